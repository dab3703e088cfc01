import { createMasterHooks, MASTER_TOKENS, MemoryStorage, Registry, Resources, type ProviderOperation } from "@tessera/core";
import { describe, expect, it } from "vitest";
import { silentLog } from "./__fixtures__/silent-log.js";
import { HoldingsStore } from "./holdings-store.js";
import licensesModule, { MODULE_NAME } from "./module.js";
import { LicenseModuleOptions, type LicenseModuleOptionsInput } from "./options.js";

/** Registers the module as the loader would, on a master whose registry is `registry`. */
async function load(options: LicenseModuleOptionsInput, registry: Registry) {
  const hooks = createMasterHooks();
  // The slice of a tsyringe child container the module uses: the registry token, and classes it
  // asks to construct (disposed with the container).
  const made: Array<{ dispose?: () => void }> = [];
  const container = {
    isRegistered: (token: unknown) => token === MASTER_TOKENS.MasterRegistry,
    resolve: (token: unknown) => {
      if (typeof token !== "function") return registry;
      const instance = new (token as new () => { dispose?: () => void })();
      made.push(instance);
      return instance;
    },
    dispose: async () => {
      for (const m of made) m.dispose?.();
    },
  };
  await licensesModule.register({
    name: MODULE_NAME,
    version: "0.0.0",
    options: LicenseModuleOptions.parse(options),
    hooks: { resourceProviders: hooks.resourceProviders, allocation: hooks.allocation, masterLifecycle: hooks.masterLifecycle } as never,
    log: silentLog() as never,
    container: container as never,
    role: "master",
  });
  const providers = await hooks.resourceProviders.registerProviders.promise([]);
  return { hooks, container, providers };
}

describe("the module on a master", () => {
  it("registers one provider per kind, with the holdings its registry namespace keeps", async () => {
    const storage = new MemoryStorage();
    const registry = new Registry(storage);
    const first = await load({ licenses: { matlab: 2 }, ipPools: { p: { cidrs: ["10.0.0.0/31"] } } }, registry);
    expect(first.providers.map((p) => [p.id, p.kind])).toEqual([
      ["licenses", "org.tessera.licenses"],
      ["ip-addresses", "org.tessera.ip_addresses"],
    ]);
    const op: ProviderOperation = { id: "1", providerId: "licenses", type: "ALLOCATE", frameworkId: "F", taskId: "t", resources: Resources.of({ name: "matlab", scalar: 2, providerId: "licenses" }) };
    await first.providers[0]!.apply(op);
    expect((await new HoldingsStore(registry.moduleState(MODULE_NAME)).load()).map((h) => h.taskId)).toEqual(["t"]);
    await first.container.dispose();

    const again = await load({ licenses: { matlab: 2 } }, registry);
    await expect(again.providers[0]!.apply({ ...op, id: "2", taskId: "u", resources: Resources.of({ name: "matlab", scalar: 1, providerId: "licenses" }) })).rejects.toThrow(/0 free of 2/);
    await again.container.dispose();
  });

  it("keeps a license server's last count across a restart while the server is down", async () => {
    const registry = new Registry(new MemoryStorage());
    await new HoldingsStore(registry.moduleState(MODULE_NAME)).putCount("abaqus", { total: 9, usedOutsideCluster: 3, at: 1 });
    const { providers, container } = await load({ licenses: { abaqus: { server: { url: "http://127.0.0.1:9/x", timeoutMs: 200 } } } }, registry);
    expect((await providers[0]!.resources()).scalar("abaqus")).toBe(6);
    await container.dispose();
  });

  it("adds the IP addresses a task took to its launch info", async () => {
    const { hooks, providers, container } = await load({ ipPools: { public: { cidrs: ["10.0.0.0/30"] } } }, new Registry(new MemoryStorage()));
    const resources = Resources.of({ name: "ips.public", type: "SET", set: ["10.0.0.2"], providerId: "ip-addresses" });
    const task = hooks.resourceProviders.launchTask.call({ task_id: { value: "t" }, command: { value: "x" } }, { frameworkId: "F", agentId: "A", provider: providers[0]!, resources });
    expect(task.command!.environment!.variables).toEqual([
      { name: "TESSERA_IP_ADDRESSES", value: "10.0.0.2" },
      { name: "TESSERA_IP_ADDRESSES_PUBLIC", value: "10.0.0.2" },
    ]);
    await container.dispose();
  });
});
