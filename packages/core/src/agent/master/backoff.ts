/** Exponential back-off with full jitter (as Mesos's agent registration back-off): wait ∈ [0, bound]. */
export class Backoff {
  private bound: number;

  constructor(
    private readonly initialMs: number,
    private readonly maxMs: number,
    private readonly random: () => number = Math.random,
  ) {
    this.bound = initialMs;
  }

  /** The next wait; doubles the bound for the one after. */
  next(): number {
    const wait = Math.floor(this.random() * this.bound);
    this.bound = Math.min(this.bound * 2, this.maxMs);
    return wait;
  }

  reset(): void {
    this.bound = this.initialMs;
  }
}
