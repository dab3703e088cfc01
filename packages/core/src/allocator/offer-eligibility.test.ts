import { describe, expect, it } from "vitest";
import { Resources } from "../resources/index.js";
import { HierarchicalAllocator } from "./hierarchical-allocator.js";

const R = (text: string) => Resources.parse(text);

describe("min_allocatable_resources", () => {
  it("does not offer less than the Mesos default minimum (cpus 0.01 or mem 32)", () => {
    const a = new HierarchicalAllocator();
    a.addAgent("crumbs", { total: R("cpus:0.005;mem:16;disk:100") });
    a.addAgent("mem-only", { total: R("mem:64") });
    a.addAgent("cpu-only", { total: R("cpus:0.01") });
    a.addFramework("f", { roles: ["r"] });
    expect(a.allocate(0).map((o) => o.agentId).sort()).toEqual(["cpu-only", "mem-only"]);
  });

  it("uses a framework's own minimum per role instead of the default", () => {
    const a = new HierarchicalAllocator();
    a.addAgent("small", { total: R("cpus:1;mem:1024") });
    a.addFramework("picky", { roles: ["r"], minAllocatableResources: { r: [{ cpus: 2, mem: 512 }] } });
    a.addFramework("easy", { roles: ["s"] });
    expect(a.allocate(0).map((o) => o.frameworkId)).toEqual(["easy"]);
  });

  it("can be configured allocator-wide, an empty list allowing any offer", () => {
    const a = new HierarchicalAllocator({ minAllocatableResources: [] });
    a.addAgent("crumbs", { total: R("cpus:0.001") });
    a.addFramework("f", { roles: ["r"] });
    expect(a.allocate(0)).toHaveLength(1);
    expect(() => new HierarchicalAllocator({ minAllocatableResources: [{ cpus: "1" as unknown as number }] })).toThrow(
      'minAllocatableResources[0].cpus: expected a finite non-negative number, got 1',
    );
  });
});

describe("revocable resources", () => {
  const withRevocable = () => R("cpus:2;mem:2048").plus(Resources.of({ name: "cpus", scalar: 6, revocable: true }));

  it("go only to frameworks with the REVOCABLE_RESOURCES capability", () => {
    const a = new HierarchicalAllocator();
    a.addAgent("x", { total: withRevocable() });
    a.addFramework("plain", { roles: ["r"] });
    const [offer] = a.allocate(0);
    expect(offer.resources.revocable().isEmpty()).toBe(true);
    expect(offer.resources.scalar("cpus")).toBe(2);
    // The revocable cpus stay unallocated for someone who can use them.
    a.addFramework("opt-in", { roles: ["r"], capabilities: { revocableResources: true } });
    const [rest] = a.allocate(1);
    expect(rest.frameworkId).toBe("opt-in");
    expect(rest.resources.revocable().scalar("cpus")).toBe(6);
  });

  it("are not counted in shares", () => {
    const a = new HierarchicalAllocator();
    a.addAgent("x", { total: withRevocable() });
    a.addFramework("opt-in", { roles: ["r"], capabilities: { revocableResources: true } });
    a.allocate(0);
    expect(a.totalQuantities().get("cpus")).toBe(2);
    expect(a.frameworkShares("r")[0].share).toBe(1);
  });
});

describe("GPU agents", () => {
  it("are offered only to frameworks with the GPU_RESOURCES capability", () => {
    const a = new HierarchicalAllocator();
    a.addAgent("gpu", { total: R("cpus:4;mem:4096;gpus:1") });
    a.addFramework("plain", { roles: ["r"] });
    expect(a.allocate(0)).toEqual([]);
    a.addFramework("ml", { roles: ["r"], capabilities: { gpuResources: true } });
    expect(a.allocate(1).map((o) => o.frameworkId)).toEqual(["ml"]);
  });
});
