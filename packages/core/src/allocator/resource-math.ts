import { Resources, type ResourceEntry } from "../resources/index.js";
import { toMilli, type NameIndex, type Vec } from "./scalar-vector.js";

/**
 * The few Resources operations the allocator needs that the resources module does not offer
 * (quantities into integer vectors without allocating, chopping scalars to a cap, clamped
 * subtraction). Kept here, on top of the public Resources API, rather than in that module.
 */

/** Entries the quota machinery counts: unreserved, non-revocable scalars. */
export function isQuotaScalar(e: ResourceEntry): boolean {
  return e.scalar !== undefined && e.reservations.length === 0 && !e.revocable;
}

function addAt(v: Vec, i: number, amount: number): void {
  while (v.length <= i) v.push(0);
  v[i] += amount;
}

/**
 * Adds (sign 1) or subtracts (sign -1) the non-revocable scalar amounts of `res` into `all`,
 * and the unreserved part of them into `unreserved`. Either target may be undefined.
 */
export function accumulate(index: NameIndex, res: Resources, sign: 1 | -1, all: Vec | undefined, unreserved: Vec | undefined): void {
  for (const e of res.entries()) {
    if (e.scalar === undefined || e.revocable) continue;
    const i = index.id(e.name);
    const m = sign * toMilli(e.scalar);
    if (all !== undefined) addAt(all, i, m);
    if (unreserved !== undefined && e.reservations.length === 0) addAt(unreserved, i, m);
  }
}

/** Non-revocable scalar quantities of `res` as a new vector. */
export function vecOfResources(index: NameIndex, res: Resources): Vec {
  const v: Vec = [];
  accumulate(index, res, 1, v, undefined);
  return v;
}

/**
 * Chops the quota scalars of `res` so that, per name, no more than `cap[i]` milli-units remain
 * (names beyond the cap vector get `missing`); every other entry is kept. Mesos's
 * shrinkResources. Returns `res` itself when nothing had to be cut.
 */
export function shrinkQuotaScalars(index: NameIndex, res: Resources, cap: Vec, missing: number): Resources {
  const left = new Map<number, number>();
  let cut = false;
  const out: ResourceEntry[] = [];
  for (const e of res.entries()) {
    if (!isQuotaScalar(e)) {
      out.push(e);
      continue;
    }
    const i = index.id(e.name);
    const room = left.get(i) ?? (i < cap.length ? cap[i] : missing);
    const want = toMilli(e.scalar!);
    const take = room >= want ? want : room > 0 ? room : 0;
    left.set(i, room - take);
    if (take !== want) cut = true;
    if (take > 0) out.push(take === want ? e : { ...e, scalar: take / 1000 });
  }
  return cut ? Resources.of(...out) : res;
}

/**
 * `a - b` where what `b` holds beyond `a` is ignored: scalars are subtracted down to zero,
 * ranges and sets only when contained. Used when an agent's total shrinks below what is
 * allocated on it (e.g. a lower revocable estimate).
 */
export function minusClamped(a: Resources, b: Resources): Resources {
  if (a.contains(b)) return a.minus(b);
  let out = a;
  for (const e of b.entries()) {
    const one = Resources.of(e);
    if (out.contains(one)) {
      out = out.minus(one);
    } else if (e.scalar !== undefined) {
      const have = out.filter((x) => sameKind(x, e));
      if (!have.isEmpty()) out = out.minus(have);
    }
  }
  return out;
}

/** True when two entries would merge inside one Resources (same everything but the value). */
export function sameKind(a: ResourceEntry, b: ResourceEntry): boolean {
  if (a.name !== b.name || a.type !== b.type || a.revocable !== b.revocable) return false;
  if (a.providerId !== b.providerId || a.allocationRole !== b.allocationRole) return false;
  if (a.reservations.length !== b.reservations.length) return false;
  for (let i = 0; i < a.reservations.length; i++) {
    const x = a.reservations[i];
    const y = b.reservations[i];
    if (x.type !== y.type || x.role !== y.role || x.principal !== y.principal) return false;
    if (JSON.stringify(x.labels) !== JSON.stringify(y.labels)) return false;
  }
  return a.disk === b.disk || JSON.stringify(a.disk) === JSON.stringify(b.disk);
}

/**
 * The part of `wanted` that `held` can give: entries held in full are kept, scalars held only
 * in part are cut to what is held, anything else is dropped. Hook results pass through this so
 * a tap can never make the allocator offer what it does not hold.
 */
export function limitTo(wanted: Resources, held: Resources): Resources {
  if (held.contains(wanted)) return wanted;
  const out: ResourceEntry[] = [];
  for (const e of wanted.entries()) {
    const one = Resources.of(e);
    if (held.contains(one)) {
      out.push(e);
    } else if (e.scalar !== undefined) {
      const have = held.filter((x) => sameKind(x, e)).entries()[0];
      if (have?.scalar !== undefined) out.push({ ...e, scalar: have.scalar });
    }
  }
  return Resources.of(...out);
}

/** Distinct allocation roles of `res` (undefined for unallocated entries), in entry order. */
export function allocationRoles(res: Resources): Array<string | undefined> {
  const out: Array<string | undefined> = [];
  for (const e of res.entries()) if (!out.includes(e.allocationRole)) out.push(e.allocationRole);
  return out;
}

/** True when some entry has a reservation or is revocable: such agents leave the fast path. */
export function needsRoleFiltering(res: Resources): boolean {
  for (const e of res.entries()) if (e.reservations.length > 0 || e.revocable) return true;
  return false;
}

export function hasScalar(res: Resources, name: string): boolean {
  for (const e of res.entries()) if (e.name === name && e.scalar !== undefined && e.scalar > 0) return true;
  return false;
}
