import { describe, expect, it } from "vitest";
import { addRanges, formatRanges, isMerged, mergeRanges, rangesContain, rangesSize, subtractRanges, takeRanges } from "./ranges.js";

describe("port ranges", () => {
  it("merges overlapping and adjacent ranges and sorts them", () => {
    expect(mergeRanges([[33000, 33100], [31000, 31500], [31400, 32000], [32001, 32005]])).toEqual([
      [31000, 32005],
      [33000, 33100],
    ]);
  });

  it("subtracting [31005-31010] from [31000-32000] leaves two ranges", () => {
    expect(subtractRanges([[31000, 32000]], [[31005, 31010]])).toEqual([
      [31000, 31004],
      [31011, 32000],
    ]);
  });

  it("subtracts ranges that span several ranges and edges", () => {
    expect(subtractRanges([[1, 10], [20, 30], [40, 50]], [[5, 25], [50, 50]])).toEqual([
      [1, 4],
      [26, 30],
      [40, 49],
    ]);
    expect(subtractRanges([[1, 10]], [[1, 10]])).toEqual([]);
  });

  it("adds by union, coalescing neighbours", () => {
    expect(addRanges([[1, 5], [10, 12]], [[6, 9], [20, 20]])).toEqual([
      [1, 12],
      [20, 20],
    ]);
  });

  it("containment needs every value inside one merged range", () => {
    expect(rangesContain([[31000, 32000]], [[31005, 31010], [31999, 32000]])).toBe(true);
    expect(rangesContain([[31000, 31004], [31006, 32000]], [[31004, 31006]])).toBe(false);
    expect(rangesContain([[1, 2]], [[3, 3]])).toBe(false);
    expect(rangesContain([[1, 2]], [])).toBe(true);
  });

  it("counts, takes the lowest ports, formats like Mesos, detects unmerged lists", () => {
    expect(rangesSize([[31000, 31009], [40000, 40000]])).toBe(11);
    expect(takeRanges([[10, 12], [20, 30]], 5)).toEqual([
      [10, 12],
      [20, 21],
    ]);
    expect(takeRanges([[10, 12]], 4)).toBeUndefined();
    expect(formatRanges([[1, 2], [4, 5]])).toBe("[1-2, 4-5]");
    expect(isMerged([[1, 2], [3, 4]])).toBe(false);
    expect(isMerged([[1, 2], [4, 4]])).toBe(true);
  });
});
