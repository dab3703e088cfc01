import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isMerged } from "./ranges.js";
import { Resources } from "./resources.js";
import type { Range, Reservation, ResourceEntry, ResourceEntryInput } from "./types.js";

const STACKS: Reservation[][] = [
  [],
  [{ type: "STATIC", role: "eng" }],
  [{ type: "STATIC", role: "eng" }, { type: "DYNAMIC", role: "eng/ml", principal: "p" }],
  [{ type: "DYNAMIC", role: "ops", labels: [{ key: "k", value: "v" }] }],
];

const meta = fc.record({
  reservations: fc.constantFrom(...STACKS),
  revocable: fc.boolean(),
  providerId: fc.constantFrom(undefined, "lic"),
  allocationRole: fc.constantFrom(undefined, "eng"),
  disk: fc.constantFrom(undefined, { persistence: { id: "v1" } }),
});

const scalar = fc.record({ name: fc.constantFrom("cpus", "mem"), scalar: fc.integer({ min: 0, max: 100_000 }).map((m) => m / 1000) });
const ranges = fc.record({
  name: fc.constant("ports"),
  ranges: fc.array(fc.tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 20 })).map(([b, n]): Range => [b, b + n]), { maxLength: 5 }),
});
const set = fc.record({ name: fc.constant("zones"), set: fc.subarray(["a", "b", "c", "d", "e"]) });

const entry: fc.Arbitrary<ResourceEntryInput> = fc.tuple(fc.oneof(scalar, ranges, set), meta).map(([v, m]) => ({ ...v, ...m }));
const resources = fc.array(entry, { maxLength: 8 }).map((es) => Resources.of(...es));
/** Few kinds, so two independent values usually overlap and comparisons are not trivial. */
const plainResources = fc
  .array(fc.tuple(fc.oneof(scalar, ranges, set), fc.constantFrom(STACKS[0]!, STACKS[1]!)).map(([v, reservations]) => ({ ...v, reservations })), { maxLength: 8 })
  .map((es) => Resources.of(...es));

/** A part of `total` chosen by `picks`, so `total.contains(part)` by construction. */
function partOf(total: Resources, picks: readonly number[]): Resources {
  const pick = (i: number) => picks[i % picks.length]!;
  return Resources.of(
    ...total.entries().map((e, i): ResourceEntryInput => {
      if (e.scalar !== undefined) return { ...e, scalar: Math.floor((e.scalar * 1000 * pick(i)) / 1000) / 1000 };
      if (e.ranges !== undefined) {
        const vs = e.ranges.flatMap(([b, end]) => Array.from({ length: end - b + 1 }, (_, k) => b + k)).filter((v) => (v + pick(i)) % 3 === 0);
        return { ...e, ranges: vs.map((v): Range => [v, v]) };
      }
      return { ...e, set: e.set!.filter((_, k) => (k + pick(i)) % 2 === 0) };
    }),
  );
}

const split = fc.tuple(resources, fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 16 })).map(([total, picks]) => {
  const b = partOf(total, picks);
  return { total, a: total.minus(b), b };
});

const allMerged = (r: Resources) => r.entries().every((e: ResourceEntry) => e.ranges === undefined || (e.ranges.length > 0 && isMerged(e.ranges)));

describe("Resources properties", () => {
  it("a.plus(b).minus(b) equals a, and a.plus(b) gives back the whole", () => {
    fc.assert(
      fc.property(split, ({ total, a, b }) => {
        expect(a.plus(b).minus(b).equals(a)).toBe(true);
        expect(a.plus(b).equals(total)).toBe(true);
        expect(b.plus(a).equals(total)).toBe(true);
      }),
    );
  });

  it("a.plus(b) contains b and a; contains is reflexive", () => {
    fc.assert(
      fc.property(resources, resources, (a, b) => {
        const sum = a.plus(b);
        expect(sum.contains(b)).toBe(true);
        expect(sum.contains(a)).toBe(true);
        expect(a.contains(a)).toBe(true);
      }),
    );
  });

  it("minus succeeds exactly when contains says so", () => {
    fc.assert(
      fc.property(fc.oneof(fc.tuple(resources, resources), fc.tuple(plainResources, plainResources)), ([a, b]) => {
        let threw = false;
        try {
          a.minus(b);
        } catch {
          threw = true;
        }
        expect(threw).toBe(!a.contains(b));
      }),
    );
  });

  it("ranges stay merged and sorted through every operation", () => {
    fc.assert(
      fc.property(split, resources, ({ total, a, b }, c) => {
        for (const r of [total, a, b, a.plus(c), total.minus(b), total.toUnreserved(), total.allocatedTo("x"), total.unallocated()]) {
          expect(allMerged(r)).toBe(true);
        }
      }),
    );
  });

  it("plus is commutative and associative", () => {
    fc.assert(
      fc.property(resources, resources, resources, (a, b, c) => {
        expect(a.plus(b).equals(b.plus(a))).toBe(true);
        expect(a.plus(b).plus(c).equals(a.plus(b.plus(c)))).toBe(true);
      }),
    );
  });

  it("JSON round-trips, and flattening or allocating keeps the quantities", () => {
    fc.assert(
      fc.property(resources, (r) => {
        expect(Resources.fromJSON(JSON.parse(JSON.stringify(r))).equals(r)).toBe(true);
        expect(r.toUnreserved().quantities().equals(r.quantities())).toBe(true);
        expect(r.allocatedTo("eng/ml").unallocated().equals(r.unallocated())).toBe(true);
      }),
    );
  });

  it("filters partition the value", () => {
    fc.assert(
      fc.property(resources, (r) => {
        expect(r.reserved().plus(r.unreserved()).equals(r)).toBe(true);
        expect(r.revocable().plus(r.nonRevocable()).equals(r)).toBe(true);
        expect(r.contains(r.allocatableTo("eng/ml"))).toBe(true);
      }),
    );
  });

  it("the text form round-trips for plain and statically reserved resources", () => {
    fc.assert(
      fc.property(plainResources, (r) => {
        expect(Resources.parse(r.toString()).equals(r)).toBe(true);
      }),
    );
  });
});
