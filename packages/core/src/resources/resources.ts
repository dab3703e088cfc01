import { ResourceError } from "./errors.js";
import { EMPTY_RESERVATIONS, kindKey, normalizeEntry, rekeyAllocation, withMeta, withValue } from "./entry.js";
import { fromMillis, toMillis } from "./fixed.js";
import { entriesFromJSON, entryToJSON, entryToLegacyJSON } from "./json.js";
import { ScalarQuantities } from "./quantities.js";
import { addRanges, mergeRanges, rangesContain, subtractRanges } from "./ranges.js";
import { isStrictSubrole, roleProblem } from "./roles.js";
import { addSets, setContains, subtractSets } from "./sets.js";
import { formatEntry, parseText } from "./text.js";
import type { LegacyResourceJSON, Range, Reservation, ResourceEntry, ResourceEntryInput, ResourceJSON } from "./types.js";

/**
 * An immutable bag of resources (Mesos `Resources`). Entries of the same kind are merged;
 * entries are kept sorted by kind key, so arithmetic is a linear merge without hashing and
 * two equal values hold equal arrays.
 */
export class Resources implements Iterable<ResourceEntry> {
  private static readonly EMPTY = new Resources([], []);
  #quantities: ScalarQuantities | undefined;

  /** `es[i]` has kind key `ks[i]`; keys strictly increasing; no entry is empty. */
  private constructor(
    private readonly es: readonly ResourceEntry[],
    private readonly ks: readonly string[],
  ) {}

  static empty(): Resources {
    return Resources.EMPTY;
  }

  /**
   * Parses the Mesos text form, e.g. `cpus:4;mem:8192;ports:[31000-32000];disk(role1):100;zones:{a,b}`.
   * Resources without `(role)` are statically reserved to `defaultRole` unless it is "*".
   * A text starting with "[" is read as the JSON form.
   */
  static parse(text: string, defaultRole = "*"): Resources {
    if (text.trimStart().startsWith("[")) {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (e) {
        throw new ResourceError(`resources: invalid JSON: ${(e as Error).message}`);
      }
      const p = roleProblem(defaultRole);
      if (p !== undefined) throw ResourceError.at("defaultRole", p);
      return Resources.fromNormalized(entriesFromJSON(json, "resources", defaultRole));
    }
    return Resources.fromNormalized(parseText(text, defaultRole));
  }

  /** Validates and reads an array of Mesos v1 JSON `Resource`s; errors name `path[i].field`. */
  static fromJSON(value: unknown, path = "resources"): Resources {
    return Resources.fromNormalized(entriesFromJSON(value, path));
  }

  /** Builds from entries (validated; errors name `entries[i]`); empty values are dropped. */
  static of(...entries: ResourceEntryInput[]): Resources {
    const out: ResourceEntry[] = [];
    entries.forEach((e, i) => {
      const n = normalizeEntry(e, `entries[${i}]`, "entry");
      if (n !== undefined) out.push(n);
    });
    return Resources.fromNormalized(out);
  }

  /** Sorts and merges already-normalized entries. */
  private static fromNormalized(entries: readonly ResourceEntry[]): Resources {
    if (entries.length === 0) return Resources.EMPTY;
    const keyed = entries.map((e) => [kindKey(e), e] as const).sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
    const es: ResourceEntry[] = [];
    const ks: string[] = [];
    for (const [k, e] of keyed) {
      if (ks.length > 0 && ks[ks.length - 1] === k) es[es.length - 1] = addValues(es[es.length - 1]!, e);
      else {
        es.push(e);
        ks.push(k);
      }
    }
    return new Resources(es, ks);
  }

  /** Mesos v1 JSON (post-reservation-refinement format: `reservations`, no `role`). */
  toJSON(): ResourceJSON[] {
    return this.es.map(entryToJSON);
  }

  /**
   * Mesos v1 JSON in the pre-refinement format (`role` + singular `reservation`), for
   * frameworks without the RESERVATION_REFINEMENT capability. Throws for refined stacks.
   */
  toLegacyJSON(): LegacyResourceJSON[] {
    return this.es.map(entryToLegacyJSON);
  }

  /** Mesos text form, e.g. `cpus:4; disk(role1):100; ports:[31000-32000]`. */
  toString(): string {
    return this.es.map(formatEntry).join("; ");
  }

  entries(): readonly ResourceEntry[] {
    return this.es;
  }

  [Symbol.iterator](): Iterator<ResourceEntry> {
    return this.es[Symbol.iterator]();
  }

  /** Number of distinct kinds held. */
  get size(): number {
    return this.es.length;
  }

  isEmpty(): boolean {
    return this.es.length === 0;
  }

  /** Sum; ranges and sets of the same kind are unioned. */
  plus(o: Resources): Resources {
    const a = this.es;
    const b = o.es;
    if (b.length === 0) return this;
    if (a.length === 0) return o;
    const ak = this.ks;
    const bk = o.ks;
    const es: ResourceEntry[] = [];
    const ks: string[] = [];
    let i = 0;
    let j = 0;
    while (i < a.length && j < b.length) {
      const x = ak[i]!;
      const y = bk[j]!;
      if (x === y) {
        es.push(addValues(a[i++]!, b[j++]!));
        ks.push(x);
      } else if (x < y) {
        es.push(a[i++]!);
        ks.push(x);
      } else {
        es.push(b[j++]!);
        ks.push(y);
      }
    }
    for (; i < a.length; i++) {
      es.push(a[i]!);
      ks.push(ak[i]!);
    }
    for (; j < b.length; j++) {
      es.push(b[j]!);
      ks.push(bk[j]!);
    }
    return new Resources(es, ks);
  }

  /** Difference; throws `ResourceError` when `o` is not contained here. */
  minus(o: Resources): Resources {
    const a = this.es;
    const b = o.es;
    if (b.length === 0) return this;
    const ak = this.ks;
    const bk = o.ks;
    const es: ResourceEntry[] = [];
    const ks: string[] = [];
    let i = 0;
    for (let j = 0; j < b.length; j++) {
      const y = bk[j]!;
      while (i < a.length && ak[i]! < y) {
        es.push(a[i]!);
        ks.push(ak[i++]!);
      }
      if (i >= a.length || ak[i] !== y) throw notContained(b[j]!, undefined);
      const rest = subtractValues(a[i]!, b[j]!);
      if (rest !== undefined) {
        es.push(rest);
        ks.push(y);
      }
      i++;
    }
    if (es.length === 0 && i >= a.length) return Resources.EMPTY;
    for (; i < a.length; i++) {
      es.push(a[i]!);
      ks.push(ak[i]!);
    }
    return new Resources(es, ks);
  }

  /** True when `o` could be subtracted from this. Allocates nothing. */
  contains(o: Resources): boolean {
    const a = this.es;
    const b = o.es;
    if (b.length > a.length) return false;
    const ak = this.ks;
    const bk = o.ks;
    let i = 0;
    for (let j = 0; j < b.length; j++) {
      const y = bk[j]!;
      while (i < a.length && ak[i]! < y) i++;
      if (i >= a.length || ak[i] !== y || !containsValue(a[i]!, b[j]!)) return false;
      i++;
    }
    return true;
  }

  equals(o: Resources): boolean {
    if (o === this) return true;
    const a = this.es;
    const b = o.es;
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) {
      if (this.ks[i] !== o.ks[i] || !sameValue(a[i]!, b[i]!)) return false;
    }
    return true;
  }

  filter(pred: (e: ResourceEntry) => boolean): Resources {
    const a = this.es;
    let es: ResourceEntry[] | undefined;
    let ks: string[] | undefined;
    for (let i = 0; i < a.length; i++) {
      const keep = pred(a[i]!);
      if (es === undefined) {
        if (keep) continue;
        // First dropped entry: copy what was kept so far; if nothing is dropped we return this.
        es = a.slice(0, i);
        ks = this.ks.slice(0, i);
      } else if (keep) {
        es.push(a[i]!);
        ks!.push(this.ks[i]!);
      }
    }
    if (es === undefined) return this;
    return es.length === 0 ? Resources.EMPTY : new Resources(es, ks!);
  }

  /** Entries named `name`. */
  named(name: string): Resources {
    return this.filter((e) => e.name === name);
  }

  /** Entries reserved (top of the stack) to exactly `role`. */
  reservedTo(role: string): Resources {
    return this.filter((e) => e.reservations.length > 0 && e.reservations[e.reservations.length - 1]!.role === role);
  }

  /** Entries with any reservation. */
  reserved(): Resources {
    return this.filter((e) => e.reservations.length > 0);
  }

  /** Entries without any reservation. */
  unreserved(): Resources {
    return this.filter((e) => e.reservations.length === 0);
  }

  /** What `role` may be offered: unreserved, or reserved to `role` or one of its ancestors. */
  allocatableTo(role: string): Resources {
    return this.filter((e) => {
      const n = e.reservations.length;
      if (n === 0) return true;
      const r = e.reservations[n - 1]!.role;
      return r === role || isStrictSubrole(role, r);
    });
  }

  revocable(): Resources {
    return this.filter((e) => e.revocable);
  }

  nonRevocable(): Resources {
    return this.filter((e) => !e.revocable);
  }

  /** Entries of resource provider `id`; without `id`, agent-owned entries (no provider). */
  fromProvider(id?: string): Resources {
    return this.filter((e) => e.providerId === id);
  }

  /** Same resources with every reservation removed ("flatten"). */
  toUnreserved(): Resources {
    if (this.es.every((e) => e.reservations.length === 0)) return this;
    return Resources.fromNormalized(this.es.map((e) => (e.reservations.length === 0 ? e : withMeta(e, EMPTY_RESERVATIONS, e.allocationRole))));
  }

  /** Same resources marked as allocated to `role` (`allocation_info.role`). */
  allocatedTo(role: string): Resources {
    const p = roleProblem(role);
    if (p !== undefined) throw ResourceError.at("allocatedTo", p);
    return this.reallocate(role);
  }

  /** Same resources without allocation info. */
  unallocated(): Resources {
    return this.reallocate(undefined);
  }

  private reallocate(role: string | undefined): Resources {
    if (this.es.every((e) => e.allocationRole === role)) return this;
    const es = this.es.map((e) => (e.allocationRole === role ? e : withMeta(e, e.reservations, role)));
    const ks = this.ks.map((k) => rekeyAllocation(k, role));
    // Changing only the last key segment can merge kinds and reorder them.
    return sortedAndDistinct(ks) ? new Resources(es, ks) : Resources.fromNormalized(es);
  }

  /** Adds a reservation on top of every entry's stack (Mesos RESERVE). */
  pushReservation(reservation: Reservation): Resources {
    return Resources.of(...this.es.map((e) => ({ ...e, reservations: [...e.reservations, reservation] })));
  }

  /** Removes the top reservation of every entry (Mesos UNRESERVE); throws on unreserved entries. */
  popReservation(): Resources {
    const es = this.es.map((e) => {
      if (e.reservations.length === 0) throw new ResourceError(`cannot unreserve ${formatEntry(e)}: it is not reserved`);
      return withMeta(e, e.reservations.length === 1 ? EMPTY_RESERVATIONS : e.reservations.slice(0, -1), e.allocationRole);
    });
    return Resources.fromNormalized(es);
  }

  /** Sum of scalar `name` over all entries (0 if none). */
  scalar(name: string): number {
    let m = 0;
    for (const e of this.es) if (e.name === name && e.scalar !== undefined) m += toMillis(e.scalar);
    return fromMillis(m);
  }

  /** Union of the ranges named `name` over all entries, merged and sorted. */
  ranges(name: string): Array<[number, number]> {
    const all: Range[] = [];
    for (const e of this.es) if (e.name === name && e.ranges !== undefined) all.push(...e.ranges);
    return mergeRanges(all).map((r) => [r[0], r[1]]);
  }

  /** Union of the set items named `name` over all entries, sorted. */
  set(name: string): string[] {
    let all: readonly string[] = [];
    for (const e of this.es) if (e.name === name && e.set !== undefined) all = addSets(all, e.set);
    return all.slice();
  }

  /** Distinct resource names, sorted. */
  names(): string[] {
    const out: string[] = [];
    for (const e of this.es) if (out[out.length - 1] !== e.name) out.push(e.name);
    return out;
  }

  /** Per-name sums of scalar resources, ignoring metadata (cached: this value is immutable). */
  quantities(): ScalarQuantities {
    if (this.#quantities !== undefined) return this.#quantities;
    const ns: string[] = [];
    const ms: number[] = [];
    // Entries are sorted by name first, so equal names are adjacent.
    for (const e of this.es) {
      if (e.scalar === undefined) continue;
      const m = toMillis(e.scalar);
      if (ns[ns.length - 1] === e.name) ms[ms.length - 1] += m;
      else {
        ns.push(e.name);
        ms.push(m);
      }
    }
    return (this.#quantities = ScalarQuantities.fromSortedMillis(ns, ms));
  }
}

function sortedAndDistinct(ks: readonly string[]): boolean {
  for (let i = 1; i < ks.length; i++) if (!(ks[i - 1]! < ks[i]!)) return false;
  return true;
}

function addValues(a: ResourceEntry, b: ResourceEntry): ResourceEntry {
  if (a.scalar !== undefined) return withValue(a, fromMillis(toMillis(a.scalar) + toMillis(b.scalar!)), undefined, undefined);
  if (a.ranges !== undefined) return withValue(a, undefined, addRanges(a.ranges, b.ranges!), undefined);
  return withValue(a, undefined, undefined, addSets(a.set!, b.set!));
}

/** a - b for entries of the same kind; undefined when nothing is left. */
function subtractValues(a: ResourceEntry, b: ResourceEntry): ResourceEntry | undefined {
  if (a.scalar !== undefined) {
    const m = toMillis(a.scalar) - toMillis(b.scalar!);
    if (m < 0) throw notContained(b, a);
    return m === 0 ? undefined : withValue(a, fromMillis(m), undefined, undefined);
  }
  if (a.ranges !== undefined) {
    if (!rangesContain(a.ranges, b.ranges!)) throw notContained(b, a);
    const rs = subtractRanges(a.ranges, b.ranges!);
    return rs.length === 0 ? undefined : withValue(a, undefined, rs, undefined);
  }
  if (!setContains(a.set!, b.set!)) throw notContained(b, a);
  const s = subtractSets(a.set!, b.set!);
  return s.length === 0 ? undefined : withValue(a, undefined, undefined, s);
}

function containsValue(a: ResourceEntry, b: ResourceEntry): boolean {
  if (a.scalar !== undefined) return a.scalar >= b.scalar!;
  if (a.ranges !== undefined) return rangesContain(a.ranges, b.ranges!);
  return setContains(a.set!, b.set!);
}

function sameValue(a: ResourceEntry, b: ResourceEntry): boolean {
  if (a.scalar !== undefined) return a.scalar === b.scalar;
  if (a.ranges !== undefined) return sameRanges(a.ranges, b.ranges!);
  return a.set!.length === b.set!.length && setContains(a.set!, b.set!);
}

/** Merged range lists are canonical, so equal sets of values are equal lists. */
function sameRanges(a: readonly Range[], b: readonly Range[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i]![0] !== b[i]![0] || a[i]![1] !== b[i]![1]) return false;
  return true;
}

function notContained(wanted: ResourceEntry, have: ResourceEntry | undefined): ResourceError {
  const what = formatEntry(wanted);
  return new ResourceError(have === undefined ? `cannot subtract ${what}: no resources of that kind` : `cannot subtract ${what}: only ${formatEntry(have)} available`);
}
