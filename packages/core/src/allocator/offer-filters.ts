import type { Resources } from "../resources/index.js";

/** Mesos's default `Filters.refuse_seconds`. */
export const DEFAULT_REFUSE_SECONDS = 5;
/** Mesos caps refuse_seconds at a year so the expiry stays representable. */
export const MAX_REFUSE_SECONDS = 365 * 24 * 60 * 60;

export interface OfferFilters {
  /** How long to refuse resources like the declined ones; default 5 s, 0 means no filter. */
  refuseSeconds?: number;
}

/**
 * Milliseconds a decline with `filters` refuses for, or 0 for no filter. As in Mesos: a negative
 * value falls back to the default, values above a year are capped. `where` names the input.
 */
export function refuseMillis(filters: OfferFilters | undefined, where = "filters"): number {
  if (filters === undefined) return 0;
  const s = filters.refuseSeconds;
  if (s === undefined) return DEFAULT_REFUSE_SECONDS * 1000;
  if (typeof s !== "number" || Number.isNaN(s)) {
    throw new Error(`${where}.refuseSeconds: expected a number of seconds, got ${JSON.stringify(s)}`);
  }
  if (s < 0) return DEFAULT_REFUSE_SECONDS * 1000;
  return Math.min(s, MAX_REFUSE_SECONDS) * 1000;
}

/**
 * One framework role's refusal of resources on one agent: an offer is refused while it is a
 * subset of `resources` and `now < expiresAt` (Mesos RefusedOfferFilter).
 */
export class OfferFilter {
  /** Agent `version` for which {@link coversAvailable} was computed. */
  private checkedVersion = -1;
  private covered = false;

  constructor(
    /** Unallocated form, comparable with an agent's available resources. */
    readonly resources: Resources,
    readonly expiresAt: number,
  ) {}

  expired(now: number): boolean {
    return now >= this.expiresAt;
  }

  refuses(offer: Resources): boolean {
    return this.resources.contains(offer);
  }

  /**
   * Whether this filter refuses everything available on the agent (and so any offer from it).
   * Cached per agent version: available resources change far less often than they are checked.
   */
  coversAvailable(available: Resources, version: number): boolean {
    if (this.checkedVersion !== version) {
      this.checkedVersion = version;
      this.covered = this.resources.contains(available);
    }
    return this.covered;
  }
}
