import { Resources } from "@tessera/core";
import { BasePool, type PoolSpec } from "./base-pool.js";
import type { PoolStatus } from "./pool.js";

// Amounts are kept in thousandths, as Mesos keeps scalars, so sums never drift.
const milli = (x: number) => Math.round(x * 1000);
const unmilli = (m: number) => m / 1000;

export type ScalarPoolSpec = PoolSpec;

/** A pool of a divisible quantity (seats, Mbit/s): holders hold amounts, not named units. */
export abstract class ScalarPool extends BasePool {
  readonly #held = new Map<string, number>();
  #used = 0;

  /** What the cluster may use now. */
  abstract capacity(): number;

  /** Unit word for messages ("seats", "Mbit/s"). */
  protected abstract readonly unit: string;

  /** Extra reason to refuse an amount (e.g. fractional seats). */
  protected amountProblem(_amount: number): string | undefined {
    return undefined;
  }

  used(): number {
    return unmilli(this.#used);
  }

  free(): number {
    return Math.max(0, unmilli(milli(this.capacity()) - this.#used));
  }

  total(providerId: string): Resources {
    return Resources.of({ name: this.resource, scalar: this.capacity(), providerId });
  }

  check(holder: string, part: Resources): string | undefined {
    const want = part.scalar(this.resource);
    const problem = this.amountProblem(want);
    if (problem !== undefined) return `${this.kind} pool "${this.name}": ${problem}`;
    if (milli(want) > milli(this.capacity()) - this.#used) {
      return `${this.kind} pool "${this.name}": ${want} ${this.unit} asked for ${holder}, ${this.free()} free of ${this.capacity()}`;
    }
    return undefined;
  }

  restore(holder: string, part: Resources): void {
    const m = milli(part.scalar(this.resource));
    if (m <= 0) return;
    this.#held.set(holder, (this.#held.get(holder) ?? 0) + m);
    this.#used += m;
  }

  release(holder: string): number {
    const m = this.#held.get(holder);
    if (m === undefined) return 0;
    this.#held.delete(holder);
    this.#used -= m;
    return unmilli(m);
  }

  holds(holder: string): boolean {
    return this.#held.has(holder);
  }

  offerable(free: Resources): Resources {
    if (this.perOffer === undefined) return free;
    const have = free.scalar(this.resource);
    if (have <= this.perOffer) return free;
    const entry = free.entries()[0]!;
    return Resources.of({ ...entry, scalar: this.perOffer });
  }

  status(): PoolStatus {
    return this.describe({
      total: this.capacity(),
      used: this.used(),
      holders: [...this.#held].map(([holder, m]) => ({ holder, amount: unmilli(m) })),
    });
  }
}
