/**
 * Clients kept sorted by (share, key) and re-positioned one at a time when a share changes,
 * so an allocation costs a binary search and one array shift instead of a full re-sort.
 * Hand-written: no maintained sorted-container package is installed, and the sort key
 * must be read from a snapshot (`sortedShare`) that stays valid while `share` is updated.
 */

export interface Ranked {
  /** Tie-breaker: the lower key comes first among equal shares. */
  readonly key: string;
  /** Current share; call {@link ShareOrder.update} after changing it. */
  share: number;
  /** Share the client was placed with; owned by ShareOrder. */
  sortedShare: number;
}

function before(a: Ranked, share: number, key: string): boolean {
  return a.sortedShare < share || (a.sortedShare === share && a.key < key);
}

export class ShareOrder<T extends Ranked> {
  private readonly items: T[] = [];
  /** Bumped on every change so callers can cache anything derived from the order. */
  version = 0;

  get size(): number {
    return this.items.length;
  }

  /** The clients, lowest share first. Do not mutate; valid until the next change. */
  get sorted(): readonly T[] {
    return this.items;
  }

  private lowerBound(share: number, key: string): number {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before(this.items[mid], share, key)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  add(item: T): void {
    item.sortedShare = item.share;
    this.items.splice(this.lowerBound(item.share, item.key), 0, item);
    this.version++;
  }

  remove(item: T): void {
    const i = this.indexOf(item);
    if (i >= 0) {
      this.items.splice(i, 1);
      this.version++;
    }
  }

  private indexOf(item: T): number {
    const i = this.lowerBound(item.sortedShare, item.key);
    return this.items[i] === item ? i : this.items.indexOf(item);
  }

  /** Moves `item` to where its current `share` belongs. */
  update(item: T): void {
    if (item.share === item.sortedShare) return;
    const from = this.indexOf(item);
    if (from < 0) return;
    const share = item.share;
    const items = this.items;
    // Shift neighbours over by one instead of splice+splice: no temporary arrays.
    let i = from;
    if (share > item.sortedShare) {
      while (i + 1 < items.length && before(items[i + 1], share, item.key)) {
        items[i] = items[i + 1];
        i++;
      }
    } else {
      while (i > 0 && !before(items[i - 1], share, item.key)) {
        items[i] = items[i - 1];
        i--;
      }
    }
    items[i] = item;
    item.sortedShare = share;
    this.version++;
  }

  /** Re-sorts everything, e.g. after the cluster total (and with it every share) changed. */
  resort(): void {
    for (const item of this.items) item.sortedShare = item.share;
    this.items.sort((a, b) => (a.sortedShare - b.sortedShare) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    this.version++;
  }
}
