/**
 * Scalar quantities on the allocator's hot path: resource names are interned to dense
 * indices and amounts kept as integer milli-units (Mesos keeps three decimal digits), so
 * share and quota arithmetic is exact and allocation-free. Hand-written because the
 * per-offer cost of a name-keyed map is what dominates a 50k-agent allocation cycle.
 */

/** Fixed-point scale: 1 unit = 1000 milli-units, as Mesos's Value::Scalar. */
export const SCALE = 1000;

/** Anything that yields `[name, amount]` pairs: ScalarQuantities, a Map, or a plain record. */
export type QuantitiesLike =
  | { entries(): Iterable<readonly [string, number]> }
  | Readonly<Record<string, number>>;

/** Integer milli-unit amounts indexed by a {@link NameIndex}; a shorter vector means zeros. */
export type Vec = number[];

/** Interns resource names to dense indices shared by every vector of one allocator. */
export class NameIndex {
  private readonly ids = new Map<string, number>();
  readonly names: string[] = [];

  id(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.ids.set(name, id);
      this.names.push(name);
    }
    return id;
  }

  get size(): number {
    return this.names.length;
  }
}

export function entriesOf(q: QuantitiesLike): Iterable<readonly [string, number]> {
  const maybe = q as { entries?: unknown };
  if (typeof maybe.entries === "function") return (q as { entries(): Iterable<readonly [string, number]> }).entries();
  return Object.entries(q as Record<string, number>);
}

export function toMilli(amount: number): number {
  return Math.round(amount * SCALE);
}

/** Converts quantities to a vector; `where` names the input in the error for a bad amount. */
export function vecOf(index: NameIndex, q: QuantitiesLike, where = "quantities"): Vec {
  const v: Vec = [];
  for (const [name, amount] of entriesOf(q)) {
    if (typeof amount !== "number" || !Number.isFinite(amount) || amount < 0) {
      throw new Error(`${where}.${name}: expected a finite non-negative number, got ${String(amount)}`);
    }
    const i = index.id(name);
    while (v.length <= i) v.push(0);
    v[i] += toMilli(amount);
  }
  return v;
}

export function isZero(v: Vec): boolean {
  for (let i = 0; i < v.length; i++) if (v[i] !== 0) return false;
  return true;
}

/** a += b */
export function addInto(a: Vec, b: Vec): void {
  while (a.length < b.length) a.push(0);
  for (let i = 0; i < b.length; i++) a[i] += b[i];
}

/** a -= b */
export function subInto(a: Vec, b: Vec): void {
  while (a.length < b.length) a.push(0);
  for (let i = 0; i < b.length; i++) a[i] -= b[i];
}

/** max(0, a - b), as a new vector. */
export function minusClamped(a: Vec, b: Vec): Vec {
  const out: Vec = new Array<number>(a.length);
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - (b[i] ?? 0);
    out[i] = d > 0 ? d : 0;
  }
  return out;
}

/** True when a[i] >= b[i] for every name. */
export function covers(a: Vec, b: Vec): boolean {
  for (let i = 0; i < b.length; i++) if ((a[i] ?? 0) < b[i]) return false;
  return true;
}

/**
 * Dominant share: the largest fraction of any resource held, divided by the weight.
 * Names with a zero total are ignored, as in Mesos's DRF sorter.
 */
export function dominantShare(allocated: Vec, total: Vec, weight: number): number {
  let share = 0;
  const n = allocated.length < total.length ? allocated.length : total.length;
  for (let i = 0; i < n; i++) {
    const t = total[i];
    if (t > 0) {
      const s = allocated[i] / t;
      if (s > share) share = s;
    }
  }
  return share / weight;
}

/** Back to decimal amounts keyed by name, omitting zeros. */
export function toRecord(index: NameIndex, v: Vec): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = 0; i < v.length; i++) if (v[i] !== 0) out[index.names[i]] = v[i] / SCALE;
  return out;
}
