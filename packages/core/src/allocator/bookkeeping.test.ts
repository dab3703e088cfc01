import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Resources } from "../resources/index.js";
import { HierarchicalAllocator } from "./hierarchical-allocator.js";
import type { Offer } from "./types.js";

const R = (text: string) => Resources.parse(text);

const AGENTS: Record<string, Resources> = {
  plain: R("cpus:4;mem:4096;ports:[31000-31009]"),
  reserved: R("cpus:2;mem:1024;cpus(a):2;mem(a):512"),
  revocable: R("cpus:2;mem:2048").plus(Resources.of({ name: "cpus", scalar: 3, revocable: true })),
};

type Step =
  | { kind: "allocate" }
  | { kind: "decline"; offer: number; refuse: number }
  | { kind: "launchHalf"; offer: number }
  | { kind: "revive"; framework: number }
  | { kind: "suppress"; framework: number }
  | { kind: "tick" };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.constant({ kind: "allocate" as const }),
  fc.record({ kind: fc.constant("decline" as const), offer: fc.nat(), refuse: fc.constantFrom(0, 1, 30) }),
  fc.record({ kind: fc.constant("launchHalf" as const), offer: fc.nat() }),
  fc.record({ kind: fc.constant("revive" as const), framework: fc.nat() }),
  fc.record({ kind: fc.constant("suppress" as const), framework: fc.nat() }),
  fc.constant({ kind: "tick" as const }),
);

const FRAMEWORKS = ["f-a", "f-b", "f-multi"];

function checkBooks(a: HierarchicalAllocator): void {
  const all = a.allocations();
  for (const [agentId, total] of Object.entries(AGENTS)) {
    let sum = a.available(agentId)!;
    for (const byAgent of all.values()) {
      const held = byAgent.get(agentId);
      if (held !== undefined) sum = sum.plus(held.unallocated());
    }
    expect(sum.equals(total), `${agentId}: available + held = ${sum}, total ${total}`).toBe(true);
  }
  // Role shares count exactly the non-revocable cpus frameworks hold in the role.
  const byRole = new Map<string, number>();
  for (const byAgent of all.values()) {
    for (const held of byAgent.values()) {
      for (const e of held.nonRevocable().entries()) {
        if (e.name === "cpus") byRole.set(e.allocationRole!, (byRole.get(e.allocationRole!) ?? 0) + e.scalar!);
      }
    }
  }
  // A role's share covers its subtree.
  const subtree = (role: string) => [...byRole].filter(([r]) => r === role || r.startsWith(`${role}/`)).reduce((n, [, c]) => n + c, 0);
  for (const s of a.roleShares()) expect(s.allocated.cpus ?? 0).toBeCloseTo(subtree(s.role), 6);
}

describe("allocator bookkeeping", () => {
  it("never loses or duplicates resources, nor breaks a quota limit, through any sequence of offers, declines, launches, suppress and revive", () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 60 }), (steps) => {
        const a = new HierarchicalAllocator({ minAllocatableResources: [] });
        for (const [id, total] of Object.entries(AGENTS)) a.addAgent(id, { total });
        a.addFramework("f-a", { roles: ["a"] });
        a.addFramework("f-b", { roles: ["b"], capabilities: { revocableResources: true } });
        a.addFramework("f-multi", { roles: ["a/x", "b"], capabilities: { multiRole: true, revocableResources: true } });
        a.updateQuota("a", { guarantees: { cpus: 3 } });
        a.updateQuota("b", { limits: { cpus: 3 } });
        let now = 0;
        let outstanding: Offer[] = [];
        for (const s of steps) {
          switch (s.kind) {
            case "allocate":
              outstanding.push(...a.allocate(now));
              break;
            case "decline": {
              if (outstanding.length === 0) break;
              const [o] = outstanding.splice(s.offer % outstanding.length, 1);
              a.recoverResources(o.frameworkId, o.agentId, o.resources, { refuseSeconds: s.refuse }, now);
              break;
            }
            case "launchHalf": {
              if (outstanding.length === 0) break;
              const [o] = outstanding.splice(s.offer % outstanding.length, 1);
              const cpus = o.resources.filter((e) => e.name === "cpus" && !e.revocable).entries()[0];
              const task = cpus === undefined ? Resources.empty() : Resources.of({ ...cpus, scalar: Math.floor(cpus.scalar! * 500) / 1000 });
              a.updateAllocation(o.frameworkId, o.agentId, task, [{ type: "LAUNCH" }]);
              a.recoverResources(o.frameworkId, o.agentId, o.resources.minus(task), { refuseSeconds: 0 }, now);
              break;
            }
            case "revive":
              a.revive(FRAMEWORKS[s.framework % FRAMEWORKS.length]);
              break;
            case "suppress":
              a.suppress(FRAMEWORKS[s.framework % FRAMEWORKS.length]);
              break;
            case "tick":
              now += 10_000;
              break;
          }
          checkBooks(a);
          expect(a.quota("b")!.consumed.cpus ?? 0).toBeLessThanOrEqual(3);
        }
        // Give everything back: every agent is whole again and every share is zero.
        for (const o of outstanding) a.recoverResources(o.frameworkId, o.agentId, o.resources, undefined, now);
        outstanding = [];
        for (const [frameworkId, byAgent] of a.allocations()) {
          for (const [agentId, held] of byAgent) a.recoverResources(frameworkId, agentId, held, undefined, now);
        }
        for (const [id, total] of Object.entries(AGENTS)) expect(a.available(id)!.equals(total)).toBe(true);
        for (const s of a.roleShares()) expect(s.share).toBe(0);
      }),
      { numRuns: 150 },
    );
  });
});
