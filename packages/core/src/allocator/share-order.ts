/**
 * Clients kept sorted by (share, key) and re-positioned one at a time when a share changes.
 * The order is stored as a list of short sorted chunks, so moving a client from the front to
 * the back of a thousand costs two short splices instead of shifting the whole array.
 * Hand-written: no maintained sorted-container package is installed, and the sort key must be
 * read from a snapshot (`sortedShare`) that stays valid while `share` is being changed.
 */

export interface Ranked {
  /** Tie-breaker: the lower key comes first among equal shares. */
  readonly key: string;
  /** Current share; call {@link ShareOrder.update} after changing it. */
  share: number;
  /** Share the client was placed with; owned by ShareOrder. */
  sortedShare: number;
}

const MAX_CHUNK = 64;

/** True when `a` (at its placed share) sorts before (share, key). */
function before(a: Ranked, share: number, key: string): boolean {
  return a.sortedShare < share || (a.sortedShare === share && a.key < key);
}

function lowerBound<T extends Ranked>(items: readonly T[], share: number, key: string): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(items[mid], share, key)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class ShareOrder<T extends Ranked> {
  private readonly parts: T[][] = [];
  private count = 0;
  private flat: T[] = [];
  private flatVersion = 0;
  /** Position found by `locate`. */
  private atChunk = -1;
  private atIndex = -1;
  /** Bumped whenever the order changes, so callers can cache what they derive from it. */
  version = 0;

  get size(): number {
    return this.count;
  }

  /** The order as consecutive sorted chunks, for allocation-free iteration. Do not mutate. */
  get chunks(): readonly (readonly T[])[] {
    return this.parts;
  }

  /** The clients, lowest share first, as one array (rebuilt lazily after changes). Do not mutate. */
  get sorted(): readonly T[] {
    if (this.flatVersion !== this.version) {
      this.flat = this.parts.flat();
      this.flatVersion = this.version;
    }
    return this.flat;
  }

  add(item: T): void {
    item.sortedShare = item.share;
    this.insert(item);
    this.count++;
    this.version++;
  }

  remove(item: T): void {
    if (!this.locate(item)) return;
    this.detach(this.atChunk, this.atIndex);
    this.count--;
    this.version++;
  }

  /** Moves `item` to where its current `share` belongs; returns whether the order changed. */
  update(item: T): boolean {
    const share = item.share;
    if (share === item.sortedShare || !this.locate(item)) return false;
    const c = this.atChunk;
    const i = this.atIndex;
    const chunk = this.parts[c];
    const prev = i > 0 ? chunk[i - 1] : c > 0 ? this.parts[c - 1][this.parts[c - 1].length - 1] : undefined;
    const next = i + 1 < chunk.length ? chunk[i + 1] : c + 1 < this.parts.length ? this.parts[c + 1][0] : undefined;
    if ((prev === undefined || before(prev, share, item.key)) && (next === undefined || !before(next, share, item.key))) {
      item.sortedShare = share; // Still between its neighbours.
      return false;
    }
    this.detach(c, i);
    item.sortedShare = share;
    this.insert(item);
    this.version++;
    return true;
  }

  /** Re-sorts everything, e.g. after the cluster total (and with it every share) changed. */
  resort(): void {
    const all = this.parts.flat();
    for (const item of all) item.sortedShare = item.share;
    all.sort((a, b) => a.sortedShare - b.sortedShare || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    this.parts.length = 0;
    for (let i = 0; i < all.length; i += MAX_CHUNK / 2) this.parts.push(all.slice(i, i + MAX_CHUNK / 2));
    this.version++;
  }

  /** Index of the first chunk whose last item does not sort before (share, key); the last chunk if none. */
  private chunkFor(share: number, key: string): number {
    const parts = this.parts;
    let lo = 0;
    let hi = parts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const chunk = parts[mid];
      if (before(chunk[chunk.length - 1], share, key)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private insert(item: T): void {
    const parts = this.parts;
    if (parts.length === 0) {
      parts.push([item]);
      return;
    }
    const c = this.chunkFor(item.sortedShare, item.key);
    const chunk = parts[c];
    // Shift by hand: splice would allocate a result array on every move.
    const at = lowerBound(chunk, item.sortedShare, item.key);
    chunk.push(item);
    for (let k = chunk.length - 1; k > at; k--) chunk[k] = chunk[k - 1];
    chunk[at] = item;
    if (chunk.length > MAX_CHUNK) parts.splice(c + 1, 0, chunk.splice(MAX_CHUNK >> 1));
  }

  private locate(item: T): boolean {
    const parts = this.parts;
    if (parts.length > 0) {
      const c = this.chunkFor(item.sortedShare, item.key);
      const i = lowerBound(parts[c], item.sortedShare, item.key);
      if (parts[c][i] === item) {
        this.atChunk = c;
        this.atIndex = i;
        return true;
      }
    }
    // Not where its placed share says (should not happen): fall back to a scan.
    for (let c = 0; c < parts.length; c++) {
      const i = parts[c].indexOf(item);
      if (i >= 0) {
        this.atChunk = c;
        this.atIndex = i;
        return true;
      }
    }
    return false;
  }

  private detach(c: number, i: number): void {
    const parts = this.parts;
    const chunk = parts[c];
    for (let k = i; k + 1 < chunk.length; k++) chunk[k] = chunk[k + 1];
    chunk.pop();
    if (chunk.length === 0) {
      parts.splice(c, 1);
    } else if (chunk.length < MAX_CHUNK / 4 && c + 1 < parts.length && chunk.length + parts[c + 1].length <= MAX_CHUNK) {
      // Merge small neighbours so the chunk count stays near size / MAX_CHUNK.
      chunk.push(...parts[c + 1]);
      parts.splice(c + 1, 1);
    }
  }
}
