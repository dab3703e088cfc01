import { ResourceError } from "./errors.js";
import { MAX_SCALAR, fromMillis, toMillis } from "./fixed.js";

/**
 * Immutable name -> amount map of scalar quantities (cpus, mem, ...) without metadata, in
 * fixed-point milli-units; what DRF sorts by. Zero amounts are not stored.
 */
export class ScalarQuantities {
  private static readonly EMPTY = new ScalarQuantities([], []);

  /** Names sorted by code unit; `ms[i]` is the amount of `ns[i]` in milli-units (> 0). */
  private constructor(
    private readonly ns: readonly string[],
    private readonly ms: readonly number[],
  ) {}

  static empty(): ScalarQuantities {
    return ScalarQuantities.EMPTY;
  }

  /** From `{cpus: 2, mem: 1024}` or `[["cpus", 2]]`; amounts are rounded to 0.001. */
  static of(amounts: Readonly<Record<string, number>> | Iterable<readonly [string, number]>): ScalarQuantities {
    const pairs = Symbol.iterator in amounts ? [...(amounts as Iterable<readonly [string, number]>)] : Object.entries(amounts);
    const sums = new Map<string, number>();
    for (const [name, v] of pairs) {
      if (typeof v !== "number" || !Number.isFinite(v) || v < 0 || v > MAX_SCALAR) {
        throw ResourceError.at(`quantities.${name}`, `must be a non-negative number, got ${v}`);
      }
      sums.set(name, (sums.get(name) ?? 0) + toMillis(v));
    }
    const ns = [...sums.keys()].filter((n) => sums.get(n)! > 0).sort(cmp);
    return ScalarQuantities.fromSortedMillis(ns, ns.map((n) => sums.get(n)!));
  }

  /** @internal Trusted constructor: names sorted and unique, amounts > 0 in milli-units. */
  static fromSortedMillis(names: readonly string[], millis: readonly number[]): ScalarQuantities {
    return names.length === 0 ? ScalarQuantities.EMPTY : new ScalarQuantities(names, millis);
  }

  /** Amount of `name`, 0 if absent. */
  get(name: string): number {
    const i = this.ns.indexOf(name);
    return i < 0 ? 0 : fromMillis(this.ms[i]!);
  }

  /** @internal Amount in milli-units. */
  millis(name: string): number {
    const i = this.ns.indexOf(name);
    return i < 0 ? 0 : this.ms[i]!;
  }

  isEmpty(): boolean {
    return this.ns.length === 0;
  }

  names(): readonly string[] {
    return this.ns;
  }

  entries(): Array<[string, number]> {
    return this.ns.map((n, i) => [n, fromMillis(this.ms[i]!)]);
  }

  plus(o: ScalarQuantities): ScalarQuantities {
    if (o.ns.length === 0) return this;
    if (this.ns.length === 0) return o;
    return this.combine(o, 1);
  }

  /** Subtracts per name, flooring at 0 (names that reach 0 disappear). */
  minus(o: ScalarQuantities): ScalarQuantities {
    if (o.ns.length === 0 || this.ns.length === 0) return this;
    return this.combine(o, -1);
  }

  /** True when every amount in `o` is at most the amount here. */
  contains(o: ScalarQuantities): boolean {
    let i = 0;
    for (let j = 0; j < o.ns.length; j++) {
      const n = o.ns[j]!;
      while (i < this.ns.length && this.ns[i]! < n) i++;
      if (i >= this.ns.length || this.ns[i] !== n || this.ms[i]! < o.ms[j]!) return false;
    }
    return true;
  }

  equals(o: ScalarQuantities): boolean {
    if (o.ns.length !== this.ns.length) return false;
    for (let i = 0; i < this.ns.length; i++) if (this.ns[i] !== o.ns[i] || this.ms[i] !== o.ms[i]) return false;
    return true;
  }

  toJSON(): Record<string, number> {
    const out: Record<string, number> = {};
    this.ns.forEach((n, i) => (out[n] = fromMillis(this.ms[i]!)));
    return out;
  }

  /** e.g. `cpus:2; mem:1024`. */
  toString(): string {
    return this.ns.map((n, i) => `${n}:${fromMillis(this.ms[i]!)}`).join("; ");
  }

  private combine(o: ScalarQuantities, sign: 1 | -1): ScalarQuantities {
    const ns: string[] = [];
    const ms: number[] = [];
    let i = 0;
    let j = 0;
    while (i < this.ns.length || j < o.ns.length) {
      const a = this.ns[i];
      const b = o.ns[j];
      let name: string;
      let m: number;
      if (b === undefined || (a !== undefined && a < b)) {
        name = a!;
        m = this.ms[i++]!;
      } else if (a === undefined || b < a) {
        name = b;
        m = sign * o.ms[j++]!;
      } else {
        name = a;
        m = this.ms[i++]! + sign * o.ms[j++]!;
      }
      if (m > 0) {
        ns.push(name);
        ms.push(m);
      }
    }
    return ScalarQuantities.fromSortedMillis(ns, ms);
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * DRF dominant share: the largest fraction `allocated/total` over the names with a positive
 * total, divided by the role's weight (names absent from `total` are ignored, as in Mesos).
 */
export function dominantShare(allocated: ScalarQuantities, total: ScalarQuantities, weight = 1): number {
  if (!(weight > 0)) throw ResourceError.at("weight", `must be a positive number, got ${weight}`);
  let share = 0;
  for (const name of total.names()) {
    const a = allocated.millis(name);
    if (a === 0) continue;
    const s = a / total.millis(name);
    if (s > share) share = s;
  }
  return share / weight;
}
