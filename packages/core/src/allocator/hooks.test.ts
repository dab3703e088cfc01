import { describe, expect, it } from "vitest";
import { AllocationHooks, type Allocation } from "../hooks/index.js";
import { Resources } from "../resources/index.js";
import { HierarchicalAllocator } from "./hierarchical-allocator.js";

const R = (text: string) => Resources.parse(text);

function setup() {
  const { hooks } = new AllocationHooks();
  const a = new HierarchicalAllocator({ hooks });
  a.addAgent("x", { hostname: "x.example", attributes: { rack: "r1" }, total: R("cpus:4;mem:4096") });
  a.addFramework("f", { roles: ["r"] });
  a.addFramework("g", { roles: ["r"] });
  return { a, hooks };
}

describe("allocation hooks", () => {
  it("filterOffer vetoes a candidate; the agent goes to the next framework", () => {
    const { a, hooks } = setup();
    const seen: string[] = [];
    hooks.filterOffer.tap("no-f", (c) => {
      seen.push(`${c.frameworkId}@${c.agent.hostname}/${c.agent.attributes.rack}`);
      return c.frameworkId === "f" ? "f is not allowed on rack r1" : undefined;
    });
    const offers = a.allocate(0);
    expect(offers.map((o) => o.frameworkId)).toEqual(["g"]);
    expect(seen).toEqual(["f@x.example/r1", "g@x.example/r1"]);
  });

  it("beforeOffer may take resources out of an offer; they stay available", () => {
    const { a, hooks } = setup();
    a.suppress("g");
    hooks.beforeOffer.tap("half-mem", (c) => ({ ...c, resources: c.resources.minus(R("mem:2048").allocatedTo(c.role)) }));
    const [offer] = a.allocate(0);
    expect(offer.resources.scalar("mem")).toBe(2048);
    expect(a.available("x")!.scalar("mem")).toBe(2048);
    expect(a.allocation("f").get("x")!.equals(offer.resources)).toBe(true);
  });

  it("sortFrameworks may reorder a role's frameworks for the cycle", () => {
    const { a, hooks } = setup();
    let context: unknown;
    hooks.sortFrameworks.tap("reverse", (ids, ctx) => {
      context = ctx;
      return [...ids].reverse();
    });
    expect(a.allocate(0).map((o) => o.frameworkId)).toEqual(["g"]);
    expect(context).toEqual({ role: "r" });
  });

  it("sortFrameworks may drop a framework for the cycle", () => {
    const { a, hooks } = setup();
    hooks.sortFrameworks.tap("only-g", (ids) => ids.filter((id) => id !== "f" && id !== "g"));
    expect(a.allocate(0)).toEqual([]);
  });

  it("accepted and recovered notify after updateAllocation and recoverResources", () => {
    const { a, hooks } = setup();
    const events: string[] = [];
    const log = (kind: string) => (x: Allocation) => events.push(`${kind} ${x.frameworkId} ${x.agentId} ${x.role} ${x.resources}`);
    hooks.accepted.tap("log", log("accepted"));
    hooks.recovered.tap("log", log("recovered"));
    const [offer] = a.allocate(0);
    const task = R("cpus:1;mem:128").allocatedTo("r");
    a.updateAllocation(offer.frameworkId, "x", task, [{ type: "LAUNCH" }]);
    a.recoverResources(offer.frameworkId, "x", offer.resources.minus(task), { refuseSeconds: 0 }, 0);
    expect(events).toEqual([`accepted f x r ${task}`, `recovered f x r ${offer.resources.minus(task)}`]);
  });

  it("are not called when untapped", () => {
    const { a, hooks } = setup();
    // An interceptor would count as a tap, so spy on `call` itself.
    let calls = 0;
    for (const hook of Object.values(hooks) as Array<{ call: (...args: unknown[]) => unknown }>) {
      const call = hook.call.bind(hook);
      hook.call = (...args) => (calls++, call(...args));
    }
    const [offer] = a.allocate(0);
    a.recoverResources(offer.frameworkId, offer.agentId, offer.resources, {}, 0);
    expect(calls).toBe(0);
  });
});
