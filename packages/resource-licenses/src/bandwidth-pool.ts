import { ScalarPool, type ScalarPoolSpec } from "./scalar-pool.js";

/** External bandwidth of one named link, in Mbit/s; tasks hold fractions of it. */
export class BandwidthPool extends ScalarPool {
  readonly kind = "bandwidth" as const;
  protected readonly unit = "Mbit/s";

  constructor(
    spec: ScalarPoolSpec,
    readonly mbps: number,
  ) {
    super(spec);
  }

  capacity(): number {
    return this.mbps;
  }
}
