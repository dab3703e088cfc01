import { SyncWaterfallHook } from "tapable";
import { describe, expect, it } from "vitest";
import { AllocationHooks } from "../hooks/index.js";
import { Resources } from "../resources/index.js";
import { HierarchicalAllocator, providerAgentId } from "./hierarchical-allocator.js";
import type { Offer } from "./types.js";

const R = (text: string) => Resources.parse(text);
const seats = (n: number) => Resources.of({ name: "licenses", scalar: n, providerId: "lic" });

function seatsIn(offers: Offer[]): number {
  return offers.reduce((n, o) => n + o.resources.scalar("licenses"), 0);
}

describe("cluster-wide resources", () => {
  it("are offered by DRF from a pool that is not an agent, and counted in shares", () => {
    const a = new HierarchicalAllocator();
    a.addClusterResources("lic", seats(2));
    a.addFramework("f", { roles: ["r"] });
    const [offer] = a.allocate(0);
    expect(offer.agentId).toBe(providerAgentId("lic"));
    expect(offer.resources.scalar("licenses")).toBe(2);
    expect(a.totalQuantities().get("licenses")).toBe(2);
    expect(a.roleShares().find((s) => s.role === "r")!.share).toBe(1);
  });

  it("never puts the same seat in two outstanding offers", () => {
    const a = new HierarchicalAllocator();
    a.addClusterResources("lic", seats(3));
    for (const f of ["f1", "f2", "f3"]) a.addFramework(f, { roles: ["r"] });
    const outstanding: Offer[] = [];
    const holders = new Set<string>();
    for (let t = 0; t < 30; t++) {
      // Every third cycle, the oldest offer is declined for 5 s: its seats go elsewhere.
      if (t % 3 === 2 && outstanding.length > 0) {
        const o = outstanding.shift()!;
        a.recoverResources(o.frameworkId, o.agentId, o.resources, { refuseSeconds: 5 }, t * 1000);
      }
      const offers = a.allocate(t * 1000);
      offers.forEach((o) => holders.add(o.frameworkId));
      outstanding.push(...offers);
      expect(seatsIn(outstanding)).toBeLessThanOrEqual(3);
    }
    expect(holders.size).toBe(3);
  });

  it("can ride along with an agent offer when a beforeOffer tap adds them, and go back to the pool on decline", () => {
    const { hooks } = new AllocationHooks();
    const a = new HierarchicalAllocator({ hooks });
    // A license module attaches one seat to each agent offer.
    hooks.beforeOffer.tap("licenses", (c) =>
      c.agentId.startsWith("provider:") ? c : { ...c, resources: c.resources.plus(seats(1).allocatedTo(c.role)) },
    );
    a.addAgent("x", { total: R("cpus:4;mem:4096") });
    a.addAgent("y", { total: R("cpus:4;mem:4096") });
    a.addClusterResources("lic", seats(1));
    a.addFramework("f", { roles: ["r"] });
    a.addFramework("g", { roles: ["r"] });
    const offers = a.allocate(0);
    expect(seatsIn(offers)).toBe(1);
    expect(a.available(providerAgentId("lic"))!.isEmpty()).toBe(true);
    const withSeat = offers.find((o) => o.resources.scalar("licenses") === 1)!;
    expect(withSeat.agentId).not.toBe(providerAgentId("lic"));
    a.recoverResources(withSeat.frameworkId, withSeat.agentId, withSeat.resources, { refuseSeconds: 0 }, 1);
    expect(a.available(providerAgentId("lic"))!.scalar("licenses")).toBe(1);
    expect(a.available(withSeat.agentId)!.scalar("cpus")).toBe(4);
  });

  it("cannot be conjured by a tap: only what the allocator holds is offered", () => {
    const hooks = { ...new AllocationHooks().hooks, beforeOffer: new SyncWaterfallHook<[import("../hooks/index.js").OfferCandidate]>(["candidate"]) };
    hooks.beforeOffer.tap("greedy", (c) => ({ ...c, resources: c.resources.plus(R("cpus:100").allocatedTo(c.role)).plus(seats(5).allocatedTo(c.role)) }));
    const a = new HierarchicalAllocator({ hooks });
    a.addClusterResources("lic", seats(1));
    a.addAgent("x", { total: R("cpus:4;mem:4096") });
    a.addFramework("f", { roles: ["r"] });
    const offers = a.allocate(0);
    const onX = offers.find((o) => o.agentId === "x")!;
    expect(onX.resources.scalar("cpus")).toBe(4);
    expect(seatsIn(offers)).toBe(1);
  });

  it("can be taken out of the pool only while unallocated", () => {
    const a = new HierarchicalAllocator();
    a.addClusterResources("lic", seats(2));
    a.removeClusterResources("lic", seats(1));
    expect(a.total(providerAgentId("lic"))!.scalar("licenses")).toBe(1);
    a.addFramework("f", { roles: ["r"] });
    a.allocate(0);
    expect(() => a.removeClusterResources("lic", seats(1))).toThrow(/removeClusterResources\("lic"\): licenses\(lic\):1 is not unallocated in the pool|is not unallocated in the pool/);
    expect(() => a.addClusterResources("lic", R("cpus:1"))).toThrow('addClusterResources("lic"): resources[0] (cpus) has provider id null, expected "lic"');
  });
});
