import { describe, expect, it } from "vitest";
import { AllocationHooks } from "../hooks/index.js";
import { Resources } from "../resources/index.js";
import { HierarchicalAllocator, providerAgentId } from "./hierarchical-allocator.js";

const R = (text: string) => Resources.parse(text);
const seats = (n: number) => Resources.of({ name: "matlab", scalar: n, providerId: "lic" });
const POOL = providerAgentId("lic");

/** An allocator whose beforeOffer tap adds every free seat the candidate may see to agent offers. */
function withSeatTap(): HierarchicalAllocator {
  const { hooks } = new AllocationHooks();
  hooks.filterOffer.tap("licenses", (c) => (c.agentId === POOL ? "pool alone" : undefined));
  hooks.beforeOffer.tap("licenses", (c) => {
    const free = c.clusterResources?.("lic") ?? Resources.empty();
    return free.isEmpty() ? c : { ...c, resources: c.resources.plus(free) };
  });
  return new HierarchicalAllocator({ hooks });
}

describe("provider pools seen from beforeOffer taps", () => {
  it("tells a tap what the pool has unallocated, and nothing while the pool is deactivated", () => {
    const a = withSeatTap();
    a.addAgent("x", { total: R("cpus:4;mem:4096") });
    a.addClusterResources("lic", seats(3));
    a.addFramework("f", { roles: ["r"] });
    a.deactivateAgent(POOL);
    const [withheld] = a.allocate(0);
    expect(withheld!.resources.scalar("cpus")).toBe(4);
    expect(withheld!.resources.scalar("matlab")).toBe(0);
    a.recoverResources("f", "x", withheld!.resources);
    a.activateAgent(POOL);
    const [again] = a.allocate(1);
    expect(again!.resources.scalar("matlab")).toBe(3);
    expect(a.available(POOL)!.isEmpty()).toBe(true);
  });

  it("keeps pool units added by a tap within the role's quota limit", () => {
    const a = withSeatTap();
    a.addAgent("x", { total: R("cpus:4;mem:4096") });
    a.addClusterResources("lic", seats(3));
    a.updateQuota("r", { limits: { matlab: 1 } });
    a.addFramework("f", { roles: ["r"] });
    const [offer] = a.allocate(0);
    expect(offer!.resources.scalar("matlab")).toBe(1);
    expect(a.available(POOL)!.scalar("matlab")).toBe(2);
    expect(a.quota("r")!.consumed.matlab).toBe(1);
  });
});

describe("provider pools and agents", () => {
  it("books a re-registering agent's pool units on the pool, not the agent", () => {
    const a = new HierarchicalAllocator();
    a.addClusterResources("lic", seats(3));
    a.addFramework("f", { roles: ["r"] });
    const held = R("cpus:1;mem:128").plus(seats(2)).allocatedTo("r");
    a.addAgent("x", { total: R("cpus:4;mem:4096"), allocated: { f: held } });
    expect(a.available(POOL)!.scalar("matlab")).toBe(1);
    expect(a.available("x")!.scalar("cpus")).toBe(3);
    expect(a.allocation("f").get(POOL)!.scalar("matlab")).toBe(2);
    // The task ends: its seats go back to the pool.
    a.recoverResources("f", "x", held);
    expect(a.available(POOL)!.scalar("matlab")).toBe(3);
  });

  it("still books pool units a task holds beyond what the pool has now", () => {
    const a = new HierarchicalAllocator();
    a.addClusterResources("lic", seats(1));
    a.addFramework("f", { roles: ["r"] });
    a.addAgent("x", { total: R("cpus:4;mem:4096"), allocated: { f: seats(2).allocatedTo("r") } });
    expect(a.allocation("f").get(POOL)!.scalar("matlab")).toBe(2);
    expect(a.available(POOL)!.isEmpty()).toBe(true);
  });
});

describe("setClusterResources", () => {
  it("changes a pool's total while what frameworks hold stays theirs", () => {
    const a = new HierarchicalAllocator();
    a.setClusterResources("lic", seats(3));
    expect(a.total(POOL)!.scalar("matlab")).toBe(3);
    a.addFramework("f", { roles: ["r"] });
    const [offer] = a.allocate(0);
    a.recoverResources("f", POOL, offer!.resources.minus(seats(2).allocatedTo("r")));
    a.setClusterResources("lic", seats(1));
    expect(a.available(POOL)!.isEmpty()).toBe(true);
    expect(a.allocation("f").get(POOL)!.scalar("matlab")).toBe(2);
    a.setClusterResources("lic", seats(5));
    expect(a.available(POOL)!.scalar("matlab")).toBe(3);
    expect(a.totalQuantities().get("matlab")).toBe(5);
  });

  it("refuses units of another provider, naming them", () => {
    const a = new HierarchicalAllocator();
    a.setClusterResources("lic", seats(1));
    expect(() => a.setClusterResources("lic", Resources.of({ name: "wan", scalar: 1, providerId: "bw" }))).toThrow(
      'setClusterResources("lic"): total[0] (wan) has provider id "bw", expected "lic"',
    );
  });
});

describe("declines of offers carrying pool units", () => {
  it("filter the agent the offer was for, not the pool", () => {
    const a = withSeatTap();
    a.addAgent("x", { total: R("cpus:4;mem:4096") });
    a.addAgent("y", { total: R("cpus:4;mem:4096") });
    a.addClusterResources("lic", seats(2));
    a.addFramework("f", { roles: ["r"] });
    const offers = a.allocate(0);
    const withSeats = offers.find((o) => o.resources.scalar("matlab") === 2)!;
    for (const o of offers) a.recoverResources("f", o.agentId, o.resources, { refuseSeconds: o === withSeats ? 60 : 0 }, 0);
    // The declined agent stays refused; its seats come with the other agent's offer.
    const [again, ...none] = a.allocate(1);
    expect(none).toEqual([]);
    expect(again!.agentId).not.toBe(withSeats.agentId);
    expect(again!.resources.scalar("matlab")).toBe(2);
    expect(a.filterCount("f")).toBe(1);
  });
});
