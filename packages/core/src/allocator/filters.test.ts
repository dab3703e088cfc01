import { describe, expect, it } from "vitest";
import { Resources } from "../resources/index.js";
import { HierarchicalAllocator } from "./hierarchical-allocator.js";

const R = (text: string) => Resources.parse(text);

function oneAgentOneFramework(): HierarchicalAllocator {
  const a = new HierarchicalAllocator();
  a.addAgent("x", { total: R("cpus:4;mem:4096") });
  a.addFramework("f", { roles: ["r"] });
  return a;
}

describe("offer filters", () => {
  it("refuse declined resources until refuse_seconds pass, then offer them again", () => {
    const a = oneAgentOneFramework();
    const [offer] = a.allocate(0);
    a.recoverResources("f", "x", offer.resources, { refuseSeconds: 10 }, 1_000);
    expect(a.allocate(2_000)).toEqual([]);
    expect(a.allocate(10_999)).toEqual([]);
    expect(a.filterCount("f")).toBe(1);
    const again = a.allocate(11_000);
    expect(again.map((o) => o.resources.toString())).toEqual([offer.resources.toString()]);
  });

  it("default to 5 seconds when the decline sets no refuse_seconds, and to none without filters", () => {
    const a = oneAgentOneFramework();
    let [offer] = a.allocate(0);
    a.recoverResources("f", "x", offer.resources, {}, 0);
    expect(a.allocate(4_999)).toEqual([]);
    [offer] = a.allocate(5_000);
    expect(offer).toBeDefined();
    a.recoverResources("f", "x", offer.resources, undefined, 5_000);
    expect(a.allocate(5_001)).toHaveLength(1);
  });

  it("refuse only subsets of what was declined", () => {
    const a = oneAgentOneFramework();
    const [offer] = a.allocate(0);
    a.recoverResources("f", "x", offer.resources, { refuseSeconds: 60 }, 0);
    expect(a.allocate(1)).toEqual([]);
    a.updateAgent("x", R("cpus:8;mem:4096"));
    const [bigger] = a.allocate(2);
    expect(bigger.resources.scalar("cpus")).toBe(8);
  });

  it("refuse only for the framework that declined", () => {
    const a = oneAgentOneFramework();
    a.addFramework("g", { roles: ["r"] });
    const [offer] = a.allocate(0);
    a.recoverResources(offer.frameworkId, "x", offer.resources, { refuseSeconds: 60 }, 0);
    const [next] = a.allocate(1);
    expect(next.frameworkId).not.toBe(offer.frameworkId);
  });

  it("are cleared by revive", () => {
    const a = oneAgentOneFramework();
    const [offer] = a.allocate(0);
    a.recoverResources("f", "x", offer.resources, { refuseSeconds: 3600 }, 0);
    expect(a.allocate(1)).toEqual([]);
    a.revive("f");
    expect(a.filterCount("f")).toBe(0);
    expect(a.allocate(2)).toHaveLength(1);
  });

  it("keep skipping a fully filtered agent while nothing changes, and notice when something does", () => {
    const a = new HierarchicalAllocator();
    a.addAgent("x", { total: R("cpus:4;mem:4096") });
    a.addFramework("f", { roles: ["r"] });
    a.addFramework("g", { roles: ["r"] });
    for (let t = 0; t < 2; t++) {
      const [o] = a.allocate(t);
      a.recoverResources(o.frameworkId, "x", o.resources, { refuseSeconds: 100 }, t);
    }
    expect(a.allocate(10)).toEqual([]);
    expect(a.allocate(11)).toEqual([]);
    a.addFramework("h", { roles: ["r"] });
    const [toH] = a.allocate(12);
    expect(toH.frameworkId).toBe("h");
    a.recoverResources("h", "x", toH.resources, { refuseSeconds: 1000 }, 12);
    // f's filter (made at t=0) expires first.
    expect(a.allocate(99_999)).toEqual([]);
    expect(a.allocate(100_000).map((o) => o.frameworkId)).toEqual(["f"]);
  });
});

describe("suppress and revive", () => {
  it("stop and restart offers to a framework", () => {
    const a = oneAgentOneFramework();
    a.addFramework("g", { roles: ["r"] });
    a.suppress("f");
    const offers = a.allocate(0);
    expect(offers.map((o) => o.frameworkId)).toEqual(["g"]);
    a.recoverResources("g", "x", offers[0].resources, { refuseSeconds: 0 }, 0);
    a.suppress("g");
    expect(a.allocate(1)).toEqual([]);
    a.revive("f");
    expect(a.allocate(2).map((o) => o.frameworkId)).toEqual(["f"]);
  });

  it("act per role for a multi-role framework", () => {
    const a = new HierarchicalAllocator();
    a.addAgent("x", { total: R("cpus:4;mem:4096") });
    a.addAgent("y", { total: R("cpus:4;mem:4096") });
    a.addFramework("m", { roles: ["a", "b"], capabilities: { multiRole: true } });
    a.suppress("m", ["a"]);
    const offers = a.allocate(0);
    expect(offers.map((o) => o.role)).toEqual(["b", "b"]);
    expect(() => a.suppress("m", ["c"])).toThrow('suppress(framework "m"): roles[0]: framework is not subscribed to role "c"');
  });
});
