import type { Resources } from "@tessera/core";
import type { Pool, PoolKind, PoolStatus } from "./pool.js";

/** What names and scopes any pool. */
export interface PoolSpec {
  name: string;
  resource: string;
  roles?: readonly string[] | undefined;
  perOffer?: number | undefined;
}

/**
 * What every kind of pool shares: its name and scope, and allocate() as check-then-restore, so
 * a pool only says how it checks and records a holding and cannot take units its check refuses.
 */
export abstract class BasePool implements Pool {
  abstract readonly kind: PoolKind;
  readonly name: string;
  readonly resource: string;
  readonly roles: readonly string[] | undefined;
  readonly perOffer: number | undefined;

  constructor(spec: PoolSpec) {
    this.name = spec.name;
    this.resource = spec.resource;
    this.roles = spec.roles;
    this.perOffer = spec.perOffer;
  }

  abstract total(providerId: string): Resources;
  abstract check(holder: string, part: Resources): string | undefined;
  abstract restore(holder: string, part: Resources): void;
  abstract release(holder: string): number;
  abstract offerable(free: Resources): Resources;
  abstract holds(holder: string): boolean;
  abstract status(): PoolStatus;

  /** status() of any pool: its identity and scope, with what the kind adds (counts, holders, blocks). */
  protected describe(state: Pick<PoolStatus, "total" | "used" | "holders"> & Record<string, unknown>): PoolStatus {
    return { kind: this.kind, name: this.name, resource: this.resource, roles: this.roles ?? "*", ...state };
  }

  allocate(holder: string, part: Resources): void {
    const problem = this.check(holder, part);
    if (problem !== undefined) throw new Error(problem);
    this.restore(holder, part);
  }
}
