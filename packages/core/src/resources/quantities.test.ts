import { describe, expect, it } from "vitest";
import { ScalarQuantities, dominantShare } from "./quantities.js";

const Q = ScalarQuantities.of;

describe("ScalarQuantities", () => {
  it("adds and subtracts in fixed point, flooring at zero", () => {
    const a = Q({ cpus: 0.1, mem: 100 });
    const b = Q({ cpus: 0.2, gpus: 1 });
    expect(a.plus(b).toJSON()).toEqual({ cpus: 0.3, gpus: 1, mem: 100 });
    expect(a.minus(Q({ cpus: 1, mem: 40 })).toJSON()).toEqual({ mem: 60 });
    expect(a.minus(a).isEmpty()).toBe(true);
    expect(Q({ cpus: 0 }).isEmpty()).toBe(true);
  });

  it("contains compares every name", () => {
    const total = Q({ cpus: 4, mem: 1024 });
    expect(total.contains(Q({ cpus: 4 }))).toBe(true);
    expect(total.contains(Q({ cpus: 4.001 }))).toBe(false);
    expect(total.contains(Q({ gpus: 1 }))).toBe(false);
    expect(total.contains(ScalarQuantities.empty())).toBe(true);
  });

  it("lists names sorted with their amounts", () => {
    const q = Q([["mem", 2], ["cpus", 1], ["mem", 3]]);
    expect(q.names()).toEqual(["cpus", "mem"]);
    expect(q.entries()).toEqual([["cpus", 1], ["mem", 5]]);
    expect(q.get("gpus")).toBe(0);
    expect(q.toString()).toBe("cpus:1; mem:5");
    expect(q.equals(Q({ cpus: 1, mem: 5 }))).toBe(true);
  });

  it("rejects negative amounts, naming them", () => {
    expect(() => Q({ cpus: -1 })).toThrow("quantities.cpus: must be a non-negative number, got -1");
  });
});

describe("dominantShare", () => {
  const total = Q({ cpus: 10, mem: 100, gpus: 0 });

  it("is the largest share over the cluster's resources, divided by weight", () => {
    expect(dominantShare(Q({ cpus: 2, mem: 50 }), total)).toBe(0.5);
    expect(dominantShare(Q({ cpus: 2, mem: 10 }), total)).toBe(0.2);
    expect(dominantShare(Q({ cpus: 2, mem: 50 }), total, 2)).toBe(0.25);
  });

  it("ignores resources the cluster does not have and is zero for nothing", () => {
    expect(dominantShare(Q({ gpus: 5, cpus: 1 }), total)).toBe(0.1);
    expect(dominantShare(ScalarQuantities.empty(), total)).toBe(0);
    expect(() => dominantShare(ScalarQuantities.empty(), total, 0)).toThrow("weight: must be a positive number, got 0");
  });
});
