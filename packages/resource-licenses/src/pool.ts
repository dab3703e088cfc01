import { isStrictSubrole, type Resources } from "@tessera/core";

export type PoolKind = "license" | "ip" | "bandwidth";

/** What operators see of a pool (GET /modules, /master/state). */
export interface PoolStatus {
  kind: PoolKind;
  name: string;
  resource: string;
  roles: readonly string[] | "*";
  /** Units the cluster may use now (seats, addresses, Mbit/s). */
  total: number;
  used: number;
  holders: Array<{ holder: string; amount: number; addresses?: string[] }>;
  [extra: string]: unknown;
}

/**
 * One pool of cluster-wide units. It keeps who holds what ("<framework id>/<task id>") and
 * refuses to hand a unit to two holders; offers are the master's business, not the pool's.
 */
export interface Pool {
  readonly kind: PoolKind;
  readonly name: string;
  /** Resource name of its units in offers and tasks. */
  readonly resource: string;
  /** Roles that may see it (with their sub-roles); undefined: every role. */
  readonly roles: readonly string[] | undefined;
  /** At most this many units in one offer; undefined: all that are free. */
  readonly perOffer: number | undefined;
  /** Everything the cluster may use now, as resources of provider `providerId`. */
  total(providerId: string): Resources;
  /** Why `holder` cannot take `part` (entries named `resource`), or undefined if it can. */
  check(holder: string, part: Resources): string | undefined;
  /** Takes `part` for `holder`; throws what `check` would say. */
  allocate(holder: string, part: Resources): void;
  /** Records a holding that exists whatever the pool thinks (recovery); never refuses. */
  restore(holder: string, part: Resources): void;
  /** Gives back everything `holder` has; returns how many units that was. */
  release(holder: string): number;
  /** What to put in one offer out of `free` (the unallocated units of this pool). */
  offerable(free: Resources): Resources;
  holds(holder: string): boolean;
  status(): PoolStatus;
}

/** A pool with `roles` is visible to those roles and their sub-roles only. */
export function visibleTo(pool: Pick<Pool, "roles">, role: string): boolean {
  if (pool.roles === undefined) return true;
  for (const r of pool.roles) if (r === role || isStrictSubrole(role, r)) return true;
  return false;
}
