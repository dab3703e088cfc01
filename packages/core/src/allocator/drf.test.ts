import { describe, expect, it } from "vitest";
import { Resources } from "../resources/index.js";
import { HierarchicalAllocator } from "./hierarchical-allocator.js";
import type { Offer } from "./types.js";

const R = (text: string) => Resources.parse(text);

let clock = 0;

/**
 * Each framework launches at most one task of its fixed size per offer and declines the rest
 * without a filter, until a cycle launches nothing (or `maxCycles` ran).
 */
function runToSaturation(a: HierarchicalAllocator, tasks: Record<string, Resources>, maxCycles = 500): Record<string, number> {
  const launched: Record<string, number> = Object.fromEntries(Object.keys(tasks).map((f) => [f, 0]));
  for (let cycle = 0; cycle < maxCycles; cycle++) {
    const now = (clock += 1000);
    const offers = a.allocate(now);
    let any = false;
    for (const o of offers) {
      const task = tasks[o.frameworkId].allocatedTo(o.role);
      let rest = o.resources;
      if (o.resources.contains(task)) {
        a.updateAllocation(o.frameworkId, o.agentId, task, [{ type: "LAUNCH" }]);
        rest = rest.minus(task);
        launched[o.frameworkId]++;
        any = true;
      }
      a.recoverResources(o.frameworkId, o.agentId, rest, { refuseSeconds: 0 }, now);
    }
    if (!any) return launched;
  }
  if (maxCycles > 1) throw new Error("did not saturate");
  return launched;
}

function addAgents(a: HierarchicalAllocator, n: number, total: string): void {
  for (let i = 0; i < n; i++) a.addAgent(`agent-${i}`, { hostname: `h${i}`, total: R(total) });
}

describe("DRF", () => {
  it("offers each agent to the framework with the lowest dominant share first", () => {
    const a = new HierarchicalAllocator();
    addAgents(a, 1, "cpus:4;mem:4096");
    a.addFramework("big", { roles: ["r"] });
    a.addFramework("small", { roles: ["r"] });
    a.addAgent("busy", { total: R("cpus:8;mem:8192"), allocated: { big: R("cpus:2;mem:1024").allocatedTo("r") } });
    // big holds 2/12 cpus already: small must get the free agent, then big the rest of "busy".
    const offers = a.allocate(0);
    const byAgent = new Map(offers.map((o) => [o.agentId, o.frameworkId]));
    expect(byAgent.get("agent-0")).toBe("small");
    expect(byAgent.get("busy")).toBe("big");
  });

  it("brings frameworks with different dominant resources to equal dominant shares", () => {
    // The DRF paper's example scaled by 10: one agent of <90 cpus, 180 GB>; A's tasks are
    // memory-heavy, B's cpu-heavy. Each cycle the agent goes to the lower dominant share, which
    // launches one task: shares stay within one task of each other, and end at 2/3 each
    // (A 30 tasks, B 20) when the cpus run out.
    const a = new HierarchicalAllocator();
    addAgents(a, 1, "cpus:90;mem:180");
    a.addFramework("A", { roles: ["r"] });
    a.addFramework("B", { roles: ["r"] });
    const tasks = { A: R("cpus:1;mem:4"), B: R("cpus:3;mem:1") };
    const shares = () => new Map(a.frameworkShares("r").map((s) => [s.frameworkId, s.share]));
    for (let cycle = 0; ; cycle++) {
      const launched = runToSaturation(a, tasks, 1);
      const s = shares();
      expect(Math.abs(s.get("A")! - s.get("B")!)).toBeLessThanOrEqual(3 / 90 + 1e-9);
      if (launched.A + launched.B === 0) break;
      expect(cycle).toBeLessThan(60);
    }
    const final = shares();
    expect(final.get("A")).toBeCloseTo(2 / 3, 6);
    expect(final.get("B")).toBeCloseTo(2 / 3, 6);
    expect(a.allocation("A").get("agent-0")!.scalar("mem")).toBe(120);
    expect(a.allocation("B").get("agent-0")!.scalar("cpus")).toBe(60);
  });

  it("gives a role of weight 2 about twice the share of a role of weight 1", () => {
    const a = new HierarchicalAllocator();
    addAgents(a, 30, "cpus:4;mem:4096");
    a.updateWeights([{ role: "gold", weight: 2 }]);
    a.addFramework("g", { roles: ["gold"] });
    a.addFramework("s", { roles: ["silver"] });
    const launched = runToSaturation(a, { g: R("cpus:1;mem:128"), s: R("cpus:1;mem:128") });
    expect(launched.g + launched.s).toBe(120);
    expect(launched.g / launched.s).toBeGreaterThan(1.8);
    expect(launched.g / launched.s).toBeLessThan(2.2);
    const shares = new Map(a.roleShares().map((s) => [s.role, s]));
    expect(shares.get("gold")!.weight).toBe(2);
    expect(shares.get("gold")!.share).toBeCloseTo(shares.get("silver")!.share, 1);
  });

  it("rolls shares up the role tree: a busy subtree waits behind an idle sibling", () => {
    const a = new HierarchicalAllocator();
    a.addFramework("web", { roles: ["eng/web"] });
    a.addFramework("ml", { roles: ["eng/ml"] });
    a.addFramework("ops", { roles: ["ops"] });
    a.addAgent("used", { total: R("cpus:10;mem:10240"), allocated: { web: R("cpus:10;mem:10240").allocatedTo("eng/web") } });
    addAgents(a, 2, "cpus:10;mem:10240");
    const offers = a.allocate(0);
    // eng holds a third of the cluster through eng/web, so ops is served before eng/ml.
    expect(offers.map((o) => [o.agentId, o.frameworkId])).toEqual([
      ["agent-0", "ops"],
      ["agent-1", "ml"],
    ]);
    expect(a.roleShares().find((s) => s.role === "eng")!.share).toBeCloseTo(2 / 3);
  });

  it("shares each agent among frameworks of several roles in one cycle when roles can't use it all", () => {
    const a = new HierarchicalAllocator();
    a.addAgent("x", { total: R("cpus:4;mem:4096;cpus(db):2") });
    a.addFramework("web", { roles: ["web"] });
    a.addFramework("db", { roles: ["db"] });
    const offers: Offer[] = a.allocate(0);
    const db = offers.find((o) => o.frameworkId === "db")!;
    const web = offers.find((o) => o.frameworkId === "web")!;
    // "db" sorts first among equal shares and takes everything it may, including its reservation.
    expect(db.resources.scalar("cpus")).toBe(6);
    expect(web).toBeUndefined();
    expect(a.available("x")!.isEmpty()).toBe(true);
  });

  it("counts offered resources as allocated until they are recovered", () => {
    const a = new HierarchicalAllocator();
    addAgents(a, 1, "cpus:4;mem:4096");
    a.addFramework("f", { roles: ["r"] });
    const [offer] = a.allocate(0);
    expect(a.allocate(1)).toEqual([]);
    expect(a.allocation("f").get("agent-0")!.equals(offer.resources)).toBe(true);
    a.recoverResources("f", "agent-0", offer.resources, undefined, 2);
    expect(a.allocate(3).map((o) => o.resources.toString())).toEqual([offer.resources.toString()]);
  });

  it("skips inactive frameworks and inactive agents", () => {
    const a = new HierarchicalAllocator();
    addAgents(a, 2, "cpus:4;mem:4096");
    a.addFramework("f", { roles: ["r"] });
    a.deactivateFramework("f");
    expect(a.allocate(0)).toEqual([]);
    a.activateFramework("f");
    a.deactivateAgent("agent-0");
    expect(a.allocate(1).map((o) => o.agentId)).toEqual(["agent-1"]);
    a.activateAgent("agent-0");
    expect(a.allocate(2).map((o) => o.agentId)).toEqual(["agent-0"]);
  });

  it("returns what a removed framework held to its agents", () => {
    const a = new HierarchicalAllocator();
    addAgents(a, 1, "cpus:4;mem:4096");
    a.addFramework("f", { roles: ["r"] });
    a.addFramework("g", { roles: ["r"] });
    const [offer] = a.allocate(0);
    a.removeFramework(offer.frameworkId);
    const [again] = a.allocate(1);
    expect(again.frameworkId).not.toBe(offer.frameworkId);
    expect(again.resources.scalar("cpus")).toBe(4);
  });

  it("rejects bad input with a message naming what and where", () => {
    const a = new HierarchicalAllocator();
    expect(() => a.addFramework("f", { roles: ["a", "b"] })).toThrow('addFramework("f"): roles: a framework without the MULTI_ROLE capability has exactly one role, got 2');
    expect(() => a.addFramework("f", { roles: ["ok", "bad role"], capabilities: { multiRole: true } })).toThrow(/addFramework\("f"\): roles\[1\]: role "bad role"/);
    expect(() => a.updateWeights([{ role: "a", weight: 0 }])).toThrow("updateWeights[0].weight: expected a positive number, got 0");
    expect(() => a.addAgent("x", { total: R("cpus:1").allocatedTo("r") })).toThrow(/addAgent\("x"\): total\[0\] \(cpus\): must not carry an allocation role/);
    a.addAgent("x", { total: R("cpus:1;mem:64") });
    a.addFramework("f", { roles: ["r"] });
    expect(() => a.recoverResources("f", "x", R("cpus:1"), undefined, 0)).toThrow(/recoverResources\(framework "f", agent "x"\): cpus\(allocated: r\):1 is not allocated to the framework on x/);
    expect(() => a.recoverResources("f", "x", R("cpus:1"), { refuseSeconds: Number.NaN }, 0)).toThrow("filters.refuseSeconds: expected a number of seconds, got null");
  });
});
