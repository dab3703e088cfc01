import { SCALE, entriesOf, toMilli, type NameIndex, type QuantitiesLike, type Vec } from "./scalar-vector.js";

/**
 * Quota math as Mesos 1.9+: a role's consumption is its (subtree's) unreserved allocation plus
 * all of its reservations; guarantees are what the role is promised, limits what it may never
 * exceed. Names absent from the limits are unlimited.
 */

export interface QuotaInput {
  guarantees?: QuantitiesLike;
  limits?: QuantitiesLike;
}

export interface Quota {
  /** Milli-units; names not mentioned are 0. */
  readonly guarantees: Vec;
  /** Milli-units; names not mentioned (and positions beyond the end) are Infinity. */
  readonly limits: Vec;
  readonly hasGuarantees: boolean;
  readonly hasLimits: boolean;
}

function readAmounts(index: NameIndex, q: QuantitiesLike | undefined, where: string): Map<number, number> {
  const out = new Map<number, number>();
  if (q === undefined) return out;
  if (q === null || typeof q !== "object") throw new Error(`${where}: expected quantities such as {"cpus": 4}, got ${JSON.stringify(q)}`);
  for (const [name, amount] of entriesOf(q)) {
    if (typeof amount !== "number" || !Number.isFinite(amount) || amount < 0) {
      throw new Error(`${where}.${name}: expected a finite non-negative number, got ${JSON.stringify(amount)}`);
    }
    out.set(index.id(name), toMilli(amount));
  }
  return out;
}

/** Validates a quota for `role`; a guarantee above its limit is an error, as in Mesos. */
export function parseQuota(index: NameIndex, role: string, input: QuotaInput): Quota {
  const where = `quota for role "${role}"`;
  if (input === null || typeof input !== "object") throw new Error(`${where}: expected { guarantees, limits }, got ${JSON.stringify(input)}`);
  const g = readAmounts(index, input.guarantees, `${where}: guarantees`);
  const l = readAmounts(index, input.limits, `${where}: limits`);
  for (const [i, amount] of g) {
    const limit = l.get(i);
    if (limit !== undefined && amount > limit) {
      throw new Error(`${where}: guarantee of ${index.names[i]} (${amount / SCALE}) exceeds its limit (${limit / SCALE})`);
    }
  }
  const guarantees: Vec = [];
  const limits: Vec = [];
  for (const [i, amount] of g) {
    while (guarantees.length <= i) guarantees.push(0);
    guarantees[i] = amount;
  }
  for (const [i, amount] of l) {
    while (limits.length <= i) limits.push(Infinity);
    limits[i] = amount;
  }
  return {
    guarantees,
    limits,
    hasGuarantees: [...g.values()].some((x) => x > 0),
    hasLimits: l.size > 0,
  };
}

/** max(0, guarantees - consumed): what a role is still owed. */
export function unsatisfied(quota: Quota, consumed: Vec): Vec {
  const g = quota.guarantees;
  const out: Vec = new Array<number>(g.length);
  for (let i = 0; i < g.length; i++) {
    const d = g[i] - (consumed[i] ?? 0);
    out[i] = d > 0 ? d : 0;
  }
  return out;
}

/**
 * Narrows `room` (per-name amounts a role may still take; Infinity = no bound) by
 * `limits - consumed` of one quota on its lineage.
 */
export function narrowByLimits(room: Vec, quota: Quota, consumed: Vec): void {
  const l = quota.limits;
  for (let i = 0; i < l.length; i++) {
    if (l[i] === Infinity) continue;
    const left = Math.max(0, l[i] - (consumed[i] ?? 0));
    while (room.length <= i) room.push(Infinity);
    if (left < room[i]) room[i] = left;
  }
}
