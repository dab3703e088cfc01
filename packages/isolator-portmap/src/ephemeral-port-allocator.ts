import type { Range } from "@tessera/core";
import { showRanges } from "./port-ranges.js";

/**
 * Hands out each container its own range of ephemeral ports from the agent's pool, as Mesos's
 * port_mapping isolator: fixed-size blocks aligned to their size (a power of two), so one u32
 * port/mask filter covers a container's whole range.
 */
export class EphemeralPortAllocator {
  /** Every block the pool holds, lowest first. */
  private readonly blocks: Range[] = [];
  private readonly used = new Set<number>();

  constructor(
    readonly pool: readonly Range[],
    readonly size: number,
  ) {
    if (!Number.isInteger(size) || size < 1 || (size & (size - 1)) !== 0) {
      throw new Error(`ephemeral ports per container must be a power of two, got ${size}`);
    }
    for (const [begin, end] of pool) {
      for (let b = Math.ceil(begin / size) * size; b + size - 1 <= end; b += size) this.blocks.push([b, b + size - 1]);
    }
    if (this.blocks.length === 0) {
      throw new Error(`ephemeral ports ${showRanges(pool)} hold no range of ${size} ports aligned to ${size}`);
    }
  }

  /** How many containers can hold a range at once. */
  get capacity(): number {
    return this.blocks.length;
  }

  get inUse(): number {
    return this.used.size;
  }

  /** The lowest free block. */
  allocate(): Range {
    const free = this.blocks.find((b) => !this.used.has(b[0]));
    if (!free) {
      throw new Error(
        `no free ephemeral port range: all ${this.blocks.length} ranges of ${this.size} ports in ${showRanges(this.pool)} are in use`,
      );
    }
    this.used.add(free[0]);
    return [free[0], free[1]];
  }

  /** True when `range` is exactly one of the pool's blocks. */
  isManaged(range: Range): boolean {
    return this.blocks.some((b) => b[0] === range[0] && b[1] === range[1]);
  }

  /** Marks a block as taken again (recovery). */
  claim(range: Range): void {
    if (!this.isManaged(range)) {
      throw new Error(`ephemeral range [${range[0]}-${range[1]}] is not one of the ${this.size}-port ranges of ${showRanges(this.pool)}`);
    }
    if (this.used.has(range[0])) throw new Error(`ephemeral range [${range[0]}-${range[1]}] is already in use`);
    this.used.add(range[0]);
  }

  /** Gives a block back; releasing a free or unknown block does nothing. */
  release(range: Range): void {
    if (this.isManaged(range)) this.used.delete(range[0]);
  }
}
