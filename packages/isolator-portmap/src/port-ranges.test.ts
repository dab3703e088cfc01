import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { alignedBlocks, blockRange, parsePortRanges } from "./port-ranges.js";

describe("parsePortRanges", () => {
  it("reads Mesos range text and merges it", () => {
    expect(parsePortRanges("[31000-31099, 31100-31200, 40000-40000]")).toEqual([
      [31000, 31200],
      [40000, 40000],
    ]);
  });

  it("names the bad part", () => {
    expect(() => parsePortRanges("[31000-30000]", "ports")).toThrow("ports: range [31000-30000] is empty");
    expect(() => parsePortRanges("31000-32000")).toThrow("expected ranges like [31000-32000]");
    expect(() => parsePortRanges("[1-2, x]")).toThrow('expected begin-end, found "x"');
    expect(() => parsePortRanges("[65000-70000]")).toThrow("port 70000 in [65000-70000] is above 65535");
  });
});

describe("alignedBlocks", () => {
  it("covers a power-of-two aligned range with one port/mask", () => {
    expect(alignedBlocks([[32768, 33791]])).toEqual([{ port: 32768, mask: 0xfc00 }]);
    expect(alignedBlocks([[31000, 31000]])).toEqual([{ port: 31000, mask: 0xffff }]);
  });

  it("splits an unaligned range into the fewest aligned blocks", () => {
    // 31000..31099: 31000-31007 (8), 31008-31039 (32), 31040-31071 (32), 31072-31087 (16), 31088-31095 (8), 31096-31099 (4)
    expect(alignedBlocks([[31000, 31099]]).map(blockRange)).toEqual([
      [31000, 31007],
      [31008, 31039],
      [31040, 31071],
      [31072, 31087],
      [31088, 31095],
      [31096, 31099],
    ]);
  });

  it("matches exactly the ports of the ranges, each block aligned to its size", () => {
    const range = fc.tuple(fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 0, max: 300 })).map(([b, n]) => [b, Math.min(65535, b + n)] as [number, number]);
    fc.assert(
      fc.property(fc.array(range, { minLength: 1, maxLength: 4 }), (ranges) => {
        const covered: number[] = [];
        for (const b of alignedBlocks(ranges)) {
          const size = (~b.mask & 0xffff) + 1;
          if (b.port % size !== 0) return false;
          for (let p = b.port; p < b.port + size; p++) covered.push(p);
        }
        const wanted = new Set<number>();
        for (const [b, e] of ranges) for (let p = b; p <= e; p++) wanted.add(p);
        // Same ports, none twice.
        return covered.length === wanted.size && covered.every((p) => wanted.has(p));
      }),
      { numRuns: 200 },
    );
  });
});
