import { describe, expect, it } from "vitest";
import { Resources } from "../resources/index.js";
import { HierarchicalAllocator } from "./hierarchical-allocator.js";
import type { Offer } from "./types.js";

const R = (text: string) => Resources.parse(text);

function cluster(agents: number): HierarchicalAllocator {
  const a = new HierarchicalAllocator();
  for (let i = 0; i < agents; i++) a.addAgent(`agent-${i}`, { total: R("cpus:4;mem:4096") });
  return a;
}

function cpusOf(offers: Offer[], frameworkId: string): number {
  return offers.filter((o) => o.frameworkId === frameworkId).reduce((n, o) => n + o.resources.scalar("cpus"), 0);
}

describe("quota", () => {
  it("satisfies a guarantee before fair sharing", () => {
    const a = cluster(4);
    a.updateQuota("prod", { guarantees: { cpus: 12 } });
    // "dev" sorts first among equal shares: without quota the split would be 8/8.
    a.addFramework("dev-fw", { roles: ["dev"] });
    a.addFramework("prod-fw", { roles: ["prod"] });
    const offers = a.allocate(0);
    expect(cpusOf(offers, "prod-fw")).toBe(12);
    expect(cpusOf(offers, "dev-fw")).toBe(4);
    expect(a.quota("prod")!.consumed.cpus).toBe(12);
  });

  it("holds back headroom for an unsatisfied guarantee from other roles", () => {
    const a = cluster(4);
    a.updateQuota("prod", { guarantees: { cpus: 8 } });
    a.addFramework("prod-fw", { roles: ["prod"] });
    a.suppress("prod-fw");
    a.addFramework("dev-fw", { roles: ["dev"] });
    const offers = a.allocate(0);
    expect(cpusOf(offers, "dev-fw")).toBe(8);
    // The held-back cpus are still there for prod once it asks again.
    a.revive("prod-fw");
    expect(cpusOf(a.allocate(1), "prod-fw")).toBe(8);
  });

  it("never lets a role exceed its limit, even over many cycles", () => {
    const a = cluster(4);
    a.updateQuota("capped", { limits: { cpus: 6 } });
    a.addFramework("f", { roles: ["capped"] });
    a.addFramework("g", { roles: ["capped"] });
    let held = 0;
    for (let t = 0; t < 20; t++) {
      const offers = a.allocate(t * 1000);
      held += cpusOf(offers, "f") + cpusOf(offers, "g");
      expect(held).toBeLessThanOrEqual(6);
      // Keep half of each offer, give back the rest.
      for (const o of offers) {
        const keep = o.resources.scalar("cpus") >= 2 ? R("cpus:1").allocatedTo(o.role) : Resources.empty();
        a.updateAllocation(o.frameworkId, o.agentId, keep, [{ type: "LAUNCH" }]);
        a.recoverResources(o.frameworkId, o.agentId, o.resources.minus(keep), { refuseSeconds: 0 }, t * 1000);
        held -= o.resources.scalar("cpus") - keep.scalar("cpus");
      }
    }
    expect(a.quota("capped")!.consumed.cpus).toBeLessThanOrEqual(6);
    expect(a.quota("capped")!.consumed.cpus).toBeGreaterThan(0);
  });

  it("applies a parent's limit to its children", () => {
    const a = cluster(4);
    a.updateQuota("eng", { limits: { cpus: 5 } });
    a.addFramework("web", { roles: ["eng/web"] });
    a.addFramework("ml", { roles: ["eng/ml"] });
    const offers = a.allocate(0);
    expect(cpusOf(offers, "web") + cpusOf(offers, "ml")).toBe(5);
  });

  it("counts reservations towards consumed quota", () => {
    const a = new HierarchicalAllocator();
    a.addAgent("r", { total: R("cpus(prod):4;mem(prod):1024") });
    a.addAgent("u", { total: R("cpus:4;mem:4096") });
    a.updateQuota("prod", { guarantees: { cpus: 4 }, limits: { cpus: 4 } });
    a.addFramework("prod-fw", { roles: ["prod"] });
    expect(a.quota("prod")!.consumed.cpus).toBe(4);
    const offers = a.allocate(0);
    // Its reservation already uses the whole cpu limit: of the unreserved agent it gets
    // only memory, on which it has no limit.
    expect(cpusOf(offers, "prod-fw")).toBe(4);
    const u = offers.find((o) => o.agentId === "u")!;
    expect(u.resources.scalar("cpus")).toBe(0);
    expect(u.resources.scalar("mem")).toBe(4096);
  });

  it("rejects a guarantee above its limit", () => {
    const a = cluster(1);
    expect(() => a.updateQuota("prod", { guarantees: { cpus: 8 }, limits: { cpus: 4 } })).toThrow(
      'quota for role "prod": guarantee of cpus (8) exceeds its limit (4)',
    );
    expect(() => a.updateQuota("prod", { guarantees: { cpus: -1 } })).toThrow('quota for role "prod": guarantees.cpus: expected a finite non-negative number, got -1');
  });

  it("removes a quota given neither guarantees nor limits", () => {
    const a = cluster(2);
    a.updateQuota("capped", { limits: { cpus: 1 } });
    a.updateQuota("capped", {});
    a.addFramework("f", { roles: ["capped"] });
    expect(cpusOf(a.allocate(0), "f")).toBe(8);
    expect(a.quota("capped")).toBeUndefined();
  });
});
