import type { Range } from "./types.js";

// Range sets are arrays of inclusive [begin, end] pairs kept sorted and merged (adjacent
// ranges such as [1-2] and [3-4] coalesce to [1-4]), so two equal sets are equal arrays.

/** Sorts and coalesces any list of ranges (each must have begin <= end). */
export function mergeRanges(ranges: readonly Range[]): Range[] {
  if (ranges.length === 0) return [];
  const sorted = [...ranges].sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const out: Range[] = [];
  let [b, e] = sorted[0]!;
  for (let i = 1; i < sorted.length; i++) {
    const r = sorted[i]!;
    if (r[0] <= e + 1) {
      if (r[1] > e) e = r[1];
    } else {
      out.push([b, e]);
      [b, e] = r;
    }
  }
  out.push([b, e]);
  return out;
}

/** True when the list is sorted, non-empty ranges, with gaps between neighbours. */
export function isMerged(ranges: readonly Range[]): boolean {
  for (let i = 0; i < ranges.length; i++) {
    const r = ranges[i]!;
    if (r[0] > r[1]) return false;
    if (i > 0 && r[0] <= ranges[i - 1]![1] + 1) return false;
  }
  return true;
}

/** Union of two merged range lists; unchanged ranges are shared, not copied (they are immutable). */
export function addRanges(a: readonly Range[], b: readonly Range[]): Range[] {
  if (b.length === 0) return a.slice();
  if (a.length === 0) return b.slice();
  const out: Range[] = [];
  let i = 0;
  let j = 0;
  let cur: Range | undefined;
  while (i < a.length || j < b.length) {
    const r = j >= b.length || (i < a.length && a[i]![0] <= b[j]![0]) ? a[i++]! : b[j++]!;
    if (cur !== undefined && r[0] <= cur[1] + 1) {
      if (r[1] > cur[1]) cur = [cur[0], r[1]];
    } else {
      if (cur !== undefined) out.push(cur);
      cur = r;
    }
  }
  out.push(cur!);
  return out;
}

/** Ranges of `a` not in `b` (both merged). */
export function subtractRanges(a: readonly Range[], b: readonly Range[]): Range[] {
  const out: Range[] = [];
  let j = 0;
  for (const r of a) {
    let begin = r[0];
    const end = r[1];
    while (j < b.length && b[j]![1] < begin) j++;
    let k = j;
    while (k < b.length && b[k]![0] <= end && begin <= end) {
      const s = b[k]!;
      if (s[0] > begin) out.push([begin, s[0] - 1]);
      begin = s[1] + 1;
      k++;
    }
    if (begin === r[0]) out.push(r);
    else if (begin <= end) out.push([begin, end]);
  }
  return out;
}

/** True when every value in `b` is in `a` (both merged); allocates nothing. */
export function rangesContain(a: readonly Range[], b: readonly Range[]): boolean {
  let i = 0;
  for (const r of b) {
    // In a merged list a contained range lies inside exactly one range of `a`.
    while (i < a.length && a[i]![1] < r[0]) i++;
    if (i >= a.length) return false;
    const s = a[i]!;
    if (s[0] > r[0] || s[1] < r[1]) return false;
  }
  return true;
}

/** How many values the ranges hold (e.g. number of ports). */
export function rangesSize(ranges: readonly Range[]): number {
  let n = 0;
  for (const r of ranges) n += r[1] - r[0] + 1;
  return n;
}

/** The lowest `count` values of a merged list, as ranges; undefined if there are fewer. */
export function takeRanges(ranges: readonly Range[], count: number): Range[] | undefined {
  const out: Range[] = [];
  let left = count;
  for (const r of ranges) {
    if (left <= 0) break;
    const n = r[1] - r[0] + 1;
    if (n <= left) {
      out.push([r[0], r[1]]);
      left -= n;
    } else {
      out.push([r[0], r[0] + left - 1]);
      left = 0;
    }
  }
  return left > 0 ? undefined : out;
}

/** Mesos text form, e.g. `[31000-32000, 33000-33100]`. */
export function formatRanges(ranges: readonly Range[]): string {
  return `[${ranges.map((r) => `${r[0]}-${r[1]}`).join(", ")}]`;
}
