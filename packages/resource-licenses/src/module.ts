import { defineModule, MASTER_TOKENS, moduleOptionsJsonSchema, type MasterRegistry } from "@tessera/core";
import { buildProviders } from "./build-providers.js";
import { HoldingsStore } from "./holdings-store.js";
import { HttpLicenseServerSource } from "./http-license-source.js";
import { withIpAddresses } from "./launch-info.js";
import { OfferShaper } from "./offer-shaper.js";
import { LicenseModuleOptions } from "./options.js";
import { PROVIDER_IDS } from "./pool-provider.js";

export const MODULE_NAME = "@tessera/resource-licenses";

/** Hook groups the module cannot work without: providers register, allocation puts units in offers. */
const REQUIRED = ["resourceProviders", "allocation"] as const;

const resourceLicensesModule = defineModule({
  name: MODULE_NAME,
  apiVersion: "^1.0.0",
  roles: ["master"],
  hooks: ["resourceProviders", "allocation", "masterLifecycle"],
  options: LicenseModuleOptions,
  register({ hooks, options, log, container }) {
    const missing = REQUIRED.filter((g) => hooks[g] === undefined);
    if (missing.length > 0) {
      throw new Error(`enabled_for must include ${missing.join(" and ")} (units are registered as resource providers and put into offers by allocation hooks)`);
    }
    const { providers, sources, counts, ipPools } = buildProviders(options, log);
    const shaper = new OfferShaper(providers);
    const ipProviderId = PROVIDER_IDS.ip;
    const stopSources = () => {
      for (const { source } of sources) source.stop();
    };

    hooks.resourceProviders!.registerProviders.tapPromise(MODULE_NAME, async (list) => {
      // The registry opens after modules load: look it up now, through the master's container.
      const registry = container.isRegistered(MASTER_TOKENS.MasterRegistry, true)
        ? container.resolve<MasterRegistry>(MASTER_TOKENS.MasterRegistry)
        : undefined;
      const storage = registry?.moduleState?.(MODULE_NAME);
      if (storage === undefined) log.warn("the master's registry keeps no module state: holdings will not survive a master restart");
      const store = storage && new HoldingsStore(storage);
      const stored = (await store?.load()) ?? [];
      for (const p of providers) p.open(store, stored);
      // A license server that is down when the master (re)starts: the count it last gave stands.
      const lastCounts = (await store?.loadCounts()) ?? new Map();
      for (const { pool, source } of sources) {
        const last = lastCounts.get(pool);
        if (last !== undefined && source instanceof HttpLicenseServerSource) source.restore(last);
      }
      counts.save = (pool, c) => {
        store?.putCount(pool, c).catch((e: unknown) => log.warn({ pool, err: (e as Error).message }, "could not record the license server's count"));
      };
      await Promise.all(sources.map(({ source, provider }) => source.start(() => provider.notify())));
      log.info(
        { providers: providers.map((p) => ({ id: p.id, resources: p.resources().toString() })), holdings: stored.length },
        "cluster-wide pools ready",
      );
      return [...list, ...providers];
    });
    hooks.allocation!.filterOffer.tap(MODULE_NAME, (c) => shaper.veto(c));
    hooks.allocation!.beforeOffer.tap(MODULE_NAME, (c) => shaper.shape(c));
    hooks.resourceProviders!.launchTask.tap(MODULE_NAME, (task, ctx) =>
      ctx.provider.id === ipProviderId ? withIpAddresses(task, ctx.resources, ipPools) : task,
    );
    hooks.masterLifecycle?.stopping.tapPromise(MODULE_NAME, async () => stopSources());
    // Also when the module is unloaded (a refused start): the container disposes what it constructed.
    container.resolve(
      class PollerStop {
        dispose(): void {
          stopSources();
        }
      },
    );
  },
});

export default resourceLicensesModule;

/** JSON Schema of the module's options, as operators write them; also shipped as options.schema.json. */
export const optionsJsonSchema = moduleOptionsJsonSchema(resourceLicensesModule);
