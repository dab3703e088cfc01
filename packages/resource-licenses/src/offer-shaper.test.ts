import { AllocationHooks, HierarchicalAllocator, Resources, type Offer } from "@tessera/core";
import { describe, expect, it } from "vitest";
import { silentLog } from "./__fixtures__/silent-log.js";
import { buildProviders } from "./build-providers.js";
import { OfferShaper } from "./offer-shaper.js";
import { LicenseModuleOptions, type LicenseModuleOptionsInput } from "./options.js";

const R = (t: string) => Resources.parse(t);

/** An allocator with the module's taps and pools, and `agents` plain agents. */
function cluster(options: LicenseModuleOptionsInput, agents = 2) {
  const { hooks } = new AllocationHooks();
  const { providers } = buildProviders(LicenseModuleOptions.parse(options), silentLog() as never);
  const shaper = new OfferShaper(providers);
  hooks.filterOffer.tap("t", (c) => shaper.veto(c));
  hooks.beforeOffer.tap("t", (c) => shaper.shape(c));
  const a = new HierarchicalAllocator({ hooks });
  for (const p of providers) a.addClusterResources(p.id, p.resources());
  for (let i = 0; i < agents; i++) a.addAgent(`a${i}`, { total: R("cpus:4;mem:4096") });
  return a;
}

const units = (offers: Offer[], name: string) => offers.reduce((n, o) => n + o.resources.scalar(name) + o.resources.set(name).length, 0);

describe("pool units in offers", () => {
  it("ride along with agent offers, never alone and never in two outstanding offers", () => {
    const a = cluster({ licenses: { matlab: 3 } }, 4);
    for (const f of ["f1", "f2", "f3"]) a.addFramework(f, { roles: ["eng"] });
    const outstanding: Offer[] = [];
    for (let t = 0; t < 20; t++) {
      if (t % 2 === 1) {
        const o = outstanding.shift()!;
        a.recoverResources(o.frameworkId, o.agentId, o.resources, { refuseSeconds: 0 }, t);
      }
      const offers = a.allocate(t);
      expect(offers.every((o) => !o.agentId.startsWith("provider:"))).toBe(true);
      outstanding.push(...offers);
      expect(units(outstanding, "matlab")).toBeLessThanOrEqual(3);
    }
    expect(units(outstanding, "matlab")).toBe(3);
  });

  it("go only to roles that may see the pool", () => {
    const a = cluster({ licenses: { matlab: { count: 2, roles: ["eng"] } } });
    a.addFramework("ops", { roles: ["ops"] });
    expect(units(a.allocate(0), "matlab")).toBe(0);
    a.addFramework("ml", { roles: ["eng/ml"] });
    a.addAgent("a9", { total: R("cpus:4;mem:4096") });
    expect(units(a.allocate(1), "matlab")).toBe(2);
  });

  it("are spread perOffer at a time, and addresses are offered as single SET items", () => {
    const a = cluster({ ipPools: { public: { cidrs: ["10.0.0.0/30"], perOffer: 1 } } }, 3);
    a.addFramework("f", { roles: ["web"] });
    const offers = a.allocate(0);
    expect(offers.map((o) => o.resources.set("ips.public").length)).toEqual([1, 1, 1]);
    expect(new Set(offers.flatMap((o) => o.resources.set("ips.public"))).size).toBe(3);
  });

  it("count in DRF: the framework holding the seats is offered last", () => {
    const a = cluster({ licenses: { matlab: 2 } }, 1);
    a.addFramework("hog", { roles: ["eng"] });
    a.addFramework("other", { roles: ["eng"] });
    // hog holds both seats (a running task) on an agent that is otherwise spent.
    a.addAgent("busy", { total: R("cpus:1;mem:64"), allocated: { hog: R("cpus:1;mem:64").plus(Resources.of({ name: "matlab", scalar: 2, providerId: "licenses" })).allocatedTo("eng") } });
    const shares = a.frameworkShares("eng");
    expect(shares.map((s) => s.frameworkId)).toEqual(["other", "hog"]);
    expect(shares.find((s) => s.frameworkId === "hog")!.share).toBe(1);
    expect(a.allocate(0).map((o) => o.frameworkId)).toEqual(["other"]);
  });

  it("respect a role's quota limit on the pool's resource", () => {
    const a = cluster({ licenses: { matlab: 3 } }, 2);
    a.updateQuota("eng", { limits: { matlab: 1 } });
    a.addFramework("f", { roles: ["eng"] });
    expect(units(a.allocate(0), "matlab")).toBe(1);
  });
});
