/** Where a license pool learns how many seats the cluster may use. */
export interface LicenseCountSource {
  /** Seats the cluster may use now: the last known total minus seats used outside the cluster. */
  available(): number;
  /** Starts watching; `changed` is called whenever `available()` would return something new. Resolves after the first reading (or failed attempt). */
  start(changed: () => void): Promise<void>;
  /** Stops watching; idempotent. */
  stop(): void;
  /** For operators: where the count comes from and how fresh it is. */
  describe(): Record<string, unknown>;
}

/** A count fixed in the operator's config. */
export class StaticSource implements LicenseCountSource {
  constructor(readonly count: number) {
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`StaticSource: seat count must be a whole number >= 0, got ${count}`);
  }

  available(): number {
    return this.count;
  }

  async start(): Promise<void> {}

  stop(): void {}

  describe(): Record<string, unknown> {
    return { type: "static", count: this.count };
  }
}
