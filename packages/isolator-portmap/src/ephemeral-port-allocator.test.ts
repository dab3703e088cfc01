import { describe, expect, it } from "vitest";
import { EphemeralPortAllocator } from "./ephemeral-port-allocator.js";

describe("EphemeralPortAllocator", () => {
  it("hands out size-aligned blocks of the pool, lowest first, never the same twice", () => {
    const a = new EphemeralPortAllocator([[32768, 57343]], 1024);
    expect(a.capacity).toBe(24);
    const first = a.allocate();
    const second = a.allocate();
    expect(first).toEqual([32768, 33791]);
    expect(second).toEqual([33792, 34815]);
    a.release(first);
    expect(a.allocate()).toEqual(first);
  });

  it("skips the unaligned edges of the pool", () => {
    const a = new EphemeralPortAllocator([[40001, 40200]], 64);
    // 40001 is not a multiple of 64: the first aligned block starts at 40064.
    expect(a.capacity).toBe(2);
    expect(a.allocate()).toEqual([40064, 40127]);
    expect(a.allocate()).toEqual([40128, 40191]);
    expect(() => a.allocate()).toThrow("no free ephemeral port range: all 2 ranges of 64 ports in [40001-40200] are in use");
  });

  it("refuses a pool without a single aligned block, and a size that is not a power of two", () => {
    expect(() => new EphemeralPortAllocator([[40001, 40100]], 64)).toThrow("hold no range of 64 ports aligned to 64");
    expect(() => new EphemeralPortAllocator([[40000, 50000]], 1000)).toThrow("must be a power of two, got 1000");
  });

  it("claims recovered blocks so they are not handed out again", () => {
    const a = new EphemeralPortAllocator([[32768, 34815]], 1024);
    a.claim([32768, 33791]);
    expect(a.allocate()).toEqual([33792, 34815]);
    expect(() => a.claim([32768, 33791])).toThrow("already in use");
    expect(() => a.claim([32769, 33792])).toThrow("is not one of the 1024-port ranges");
  });
});
