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
 * The refusals on one agent (Mesos RefusedOfferFilter): filter k refuses an offer to
 * `owners[k]` while the offer is a subset of `resources[k]` and `now < expiries[k]`.
 * Kept as parallel arrays because an allocation cycle sweeps every agent's filters and the
 * sweep is bound by memory traffic, not arithmetic.
 */
export class AgentFilters<Owner> {
  readonly owners: Owner[] = [];
  /** Unallocated form, comparable with the agent's available resources. */
  readonly resources: Resources[] = [];
  readonly expiries: number[] = [];
  /** Agent version at which `covered[k]` was computed; -1 when never. */
  private readonly checked: number[] = [];
  private readonly covered: boolean[] = [];
  /** Earliest expiry, so sweeps are skipped until one is due. */
  private nextExpiry = Infinity;

  get size(): number {
    return this.owners.length;
  }

  /** Adds a filter; `coversVersion` says it holds exactly what is available at that agent version. */
  add(owner: Owner, resources: Resources, expiresAt: number, coversVersion = -1): void {
    this.owners.push(owner);
    this.resources.push(resources);
    this.expiries.push(expiresAt);
    this.checked.push(coversVersion);
    this.covered.push(coversVersion !== -1);
    if (expiresAt < this.nextExpiry) this.nextExpiry = expiresAt;
  }

  /** Drops filters expired at `now`; returns the owner of each dropped filter. */
  sweep(now: number): Owner[] | undefined {
    if (now < this.nextExpiry) return undefined;
    const dropped: Owner[] = [];
    this.keep((k) => {
      if (this.expiries[k] > now) return true;
      dropped.push(this.owners[k]);
      return false;
    });
    return dropped;
  }

  /** Drops every filter of `owner`; returns how many there were. */
  removeOwner(owner: Owner): number {
    const before = this.owners.length;
    if (before > 0) this.keep((k) => this.owners[k] !== owner);
    return before - this.owners.length;
  }

  clear(): void {
    this.keep(() => false);
  }

  /**
   * Whether filter k refuses everything available on the agent, and so any offer from it.
   * Cached per agent version: what is available changes far less often than it is checked.
   */
  coversAvailable(k: number, available: Resources, version: number): boolean {
    if (this.checked[k] !== version) {
      this.checked[k] = version;
      this.covered[k] = this.resources[k].contains(available);
    }
    return this.covered[k];
  }

  /** Whether a live filter of `owner` refuses `offer`. */
  refuses(owner: Owner, offer: Resources, now: number): boolean {
    for (let k = 0; k < this.owners.length; k++) {
      if (this.owners[k] === owner && this.expiries[k] > now && this.resources[k].contains(offer)) return true;
    }
    return false;
  }

  /** Number of live filters of `owner`. */
  count(owner: Owner, now: number): number {
    let n = 0;
    for (let k = 0; k < this.owners.length; k++) if (this.owners[k] === owner && this.expiries[k] > now) n++;
    return n;
  }

  private keep(pred: (k: number) => boolean): void {
    let w = 0;
    let next = Infinity;
    for (let k = 0; k < this.owners.length; k++) {
      if (!pred(k)) continue;
      this.owners[w] = this.owners[k];
      this.resources[w] = this.resources[k];
      this.expiries[w] = this.expiries[k];
      this.checked[w] = this.checked[k];
      this.covered[w] = this.covered[k];
      if (this.expiries[k] < next) next = this.expiries[k];
      w++;
    }
    this.owners.length = w;
    this.resources.length = w;
    this.expiries.length = w;
    this.checked.length = w;
    this.covered.length = w;
    this.nextExpiry = next;
  }
}
