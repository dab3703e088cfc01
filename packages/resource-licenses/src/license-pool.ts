import type { LicenseCountSource } from "./license-source.js";
import type { PoolStatus } from "./pool.js";
import { ScalarPool, type ScalarPoolSpec } from "./scalar-pool.js";

/**
 * Seats of one license. The count comes from a LicenseCountSource (static, or a license server
 * that also says how many seats are taken outside the cluster); when it drops below what tasks
 * hold, they keep their seats and new ones are refused until enough are given back.
 */
export class LicensePool extends ScalarPool {
  readonly kind = "license" as const;
  protected readonly unit = "seats";

  constructor(
    spec: ScalarPoolSpec,
    readonly source: LicenseCountSource,
  ) {
    super(spec);
  }

  capacity(): number {
    return this.source.available();
  }

  protected override amountProblem(seats: number): string | undefined {
    return Number.isInteger(seats) ? undefined : `license seats are whole numbers, got ${seats}`;
  }

  override status(): PoolStatus {
    return { ...super.status(), source: this.source.describe() };
  }
}
