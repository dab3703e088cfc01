import { describe, expect, it } from "vitest";
import { RoleSorter } from "./role-sorter.js";

// Totals and allocations are integer milli-units indexed [cpus, mem].
const total = [100_000, 1_000_000];

function sorter(roles: string[]): RoleSorter {
  const s = new RoleSorter();
  s.setTotal(total);
  for (const r of roles) s.addFramework(r);
  return s;
}

describe("RoleSorter", () => {
  it("orders roles by dominant share, lowest first", () => {
    const s = sorter(["a", "b", "c"]);
    s.allocated("a", [50_000, 0], 1); // 50% cpus
    s.allocated("b", [0, 100_000], 1); // 10% mem
    expect(s.order()).toEqual(["c", "b", "a"]);
    expect(s.share("a")).toBeCloseTo(0.5);
    expect(s.share("b")).toBeCloseTo(0.1);
  });

  it("rolls child allocations up to the parent, so siblings of the parent go first", () => {
    const s = sorter(["eng/web", "eng/ml", "ops"]);
    s.allocated("eng/web", [30_000, 0], 1);
    // eng's subtree holds 30%: ops (0%) comes before both eng children, and ml before web.
    expect(s.order()).toEqual(["ops", "eng/ml", "eng/web"]);
    expect(s.share("eng")).toBeCloseTo(0.3);
    s.allocated("ops", [40_000, 0], 1);
    expect(s.order()).toEqual(["eng/ml", "eng/web", "ops"]);
  });

  it("lets a role with frameworks of its own compete with its children", () => {
    const s = sorter(["eng", "eng/web"]);
    s.allocated("eng", [20_000, 0], 1);
    expect(s.order()).toEqual(["eng/web", "eng"]);
    s.allocated("eng/web", [30_000, 0], 1);
    expect(s.order()).toEqual(["eng", "eng/web"]);
  });

  it("divides shares by weight", () => {
    const s = sorter(["a", "b"]);
    s.setWeight("a", 2);
    s.allocated("a", [30_000, 0], 1);
    s.allocated("b", [20_000, 0], 1);
    expect(s.share("a")).toBeCloseTo(0.15);
    expect(s.order()).toEqual(["a", "b"]);
  });

  it("re-sorts when the total changes", () => {
    const s = sorter(["a", "b"]);
    s.allocated("a", [10_000, 0], 1);
    s.allocated("b", [0, 200_000], 1);
    expect(s.order()).toEqual(["a", "b"]); // 10% cpus vs 20% mem
    s.setTotal([20_000, 1_000_000]);
    expect(s.order()).toEqual(["b", "a"]); // 50% cpus vs 20% mem
  });

  it("skips roles whose frameworks all left, but keeps counting what they hold", () => {
    const s = sorter(["a", "b/x"]);
    s.allocated("b/x", [50_000, 0], 1);
    s.removeFramework("b/x");
    expect(s.order()).toEqual(["a"]);
    expect(s.share("b")).toBeCloseTo(0.5);
  });
});
