import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ShareOrder, type Ranked } from "./share-order.js";

function item(key: string, share = 0): Ranked {
  return { key, share, sortedShare: share };
}

function isSorted(items: readonly Ranked[]): boolean {
  for (let i = 1; i < items.length; i++) {
    const a = items[i - 1];
    const b = items[i];
    if (a.share > b.share || (a.share === b.share && a.key > b.key)) return false;
  }
  return true;
}

describe("ShareOrder", () => {
  it("keeps clients ordered by share, then key, as shares change one at a time", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 20 })), { maxLength: 300 }),
        (n, updates) => {
          const order = new ShareOrder<Ranked>();
          const items = Array.from({ length: n }, (_, i) => item(`f${String(i).padStart(2, "0")}`, (i * 7) % 5));
          for (const it of items) order.add(it);
          for (const [which, share] of updates) {
            const it = items[which % n];
            it.share = share / 4;
            order.update(it);
          }
          expect(isSorted(order.sorted)).toBe(true);
          expect(order.chunks.flat()).toEqual(order.sorted);
          expect(new Set(order.sorted)).toEqual(new Set(items));
          expect(order.size).toBe(n);
        },
      ),
    );
  });

  it("bumps its version only when the order changed", () => {
    const order = new ShareOrder<Ranked>();
    const [a, b] = [item("a", 0), item("b", 1)];
    order.add(a);
    order.add(b);
    const v = order.version;
    a.share = 0.5; // still before b
    expect(order.update(a)).toBe(false);
    expect(order.version).toBe(v);
    a.share = 2;
    expect(order.update(a)).toBe(true);
    expect(order.version).toBe(v + 1);
    expect(order.sorted.map((x) => x.key)).toEqual(["b", "a"]);
  });

  it("removes a client even after its share changed without an update", () => {
    const order = new ShareOrder<Ranked>();
    const [a, b, c] = [item("a", 1), item("b", 2), item("c", 3)];
    [a, b, c].forEach((x) => order.add(x));
    b.share = 10;
    order.remove(b);
    expect(order.sorted.map((x) => x.key)).toEqual(["a", "c"]);
  });
});
