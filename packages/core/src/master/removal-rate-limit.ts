// Mesos --agent_removal_rate_limit: at most N agents marked unreachable per duration, so a
// network blip does not empty the cluster at once.

// Mesos duration units (stout Duration::parse); no installed library speaks this exact syntax.
const UNITS_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  ms: 1,
  secs: 1000,
  mins: 60_000,
  hrs: 3_600_000,
  days: 86_400_000,
  weeks: 604_800_000,
};

export interface RemovalRate {
  permits: number;
  perMs: number;
}

/** Parses "1/10secs" (permits / Mesos duration); `field` names the option in errors. */
export function parseRemovalRate(text: string, field = "agent_removal_rate_limit"): RemovalRate {
  const m = /^\s*(\d+)\s*\/\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$/.exec(text);
  if (!m) throw new Error(`${field}: expected <permits>/<duration> such as "1/10secs", got ${JSON.stringify(text)}`);
  const permits = Number(m[1]);
  const unit = UNITS_MS[m[3]!];
  if (unit === undefined) throw new Error(`${field}: unknown duration unit ${JSON.stringify(m[3])} in ${JSON.stringify(text)} (use ${Object.keys(UNITS_MS).join(", ")})`);
  const perMs = Number(m[2]) * unit;
  if (permits === 0 || perMs <= 0) throw new Error(`${field}: ${JSON.stringify(text)} allows no removal at all; omit the option for no limit`);
  return { permits, perMs };
}

/**
 * Hands out removal permits spaced `perMs / permits` apart, in request order (Mesos's
 * RateLimiter). A request may be cancelled while it waits (the agent came back).
 */
export class RemovalRateLimiter {
  private readonly spacingMs: number;
  private nextAt = -Infinity;
  private readonly waiting = new Map<string, NodeJS.Timeout>();

  constructor(
    rate: RemovalRate | undefined,
    private readonly now: () => number,
  ) {
    this.spacingMs = rate ? rate.perMs / rate.permits : 0;
  }

  /** Whether a removal of `key` is waiting for its permit. */
  has(key: string): boolean {
    return this.waiting.has(key);
  }

  get pending(): number {
    return this.waiting.size;
  }

  /** Runs `fn` once a permit is free (at once without a limit); a key already waiting is not queued twice. */
  acquire(key: string, fn: () => void): void {
    if (this.waiting.has(key)) return;
    const now = this.now();
    const at = Math.max(now, this.nextAt);
    this.nextAt = at + this.spacingMs;
    if (at <= now) {
      fn();
      return;
    }
    const t = setTimeout(() => {
      this.waiting.delete(key);
      fn();
    }, at - now);
    t.unref();
    this.waiting.set(key, t);
  }

  /** The agent answered again before its permit: it is not removed (its slot stays used, as in Mesos). */
  cancel(key: string): boolean {
    const t = this.waiting.get(key);
    if (!t) return false;
    clearTimeout(t);
    this.waiting.delete(key);
    return true;
  }

  stop(): void {
    for (const t of this.waiting.values()) clearTimeout(t);
    this.waiting.clear();
  }
}
