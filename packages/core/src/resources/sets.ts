// String sets are kept as sorted arrays without duplicates so equal sets are equal arrays.

/** Sorted copy without duplicates. */
export function normalizeSet(items: readonly string[]): string[] {
  const out = [...new Set(items)];
  return out.sort(compareStrings);
}

/** Code-unit order (not locale): stable across machines. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Union of two normalized sets. */
export function addSets(a: readonly string[], b: readonly string[]): string[] {
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x === y) {
      out.push(x);
      i++;
      j++;
    } else if (x < y) {
      out.push(x);
      i++;
    } else {
      out.push(y);
      j++;
    }
  }
  while (i < a.length) out.push(a[i++]!);
  while (j < b.length) out.push(b[j++]!);
  return out;
}

/** Items of `a` not in `b` (both normalized). */
export function subtractSets(a: readonly string[], b: readonly string[]): string[] {
  const out: string[] = [];
  let j = 0;
  for (const x of a) {
    while (j < b.length && b[j]! < x) j++;
    if (j < b.length && b[j] === x) continue;
    out.push(x);
  }
  return out;
}

/** True when every item of `b` is in `a` (both normalized). */
export function setContains(a: readonly string[], b: readonly string[]): boolean {
  let i = 0;
  for (const y of b) {
    while (i < a.length && a[i]! < y) i++;
    if (i >= a.length || a[i] !== y) return false;
  }
  return true;
}

/** Mesos text form, e.g. `{a, b}`. */
export function formatSet(items: readonly string[]): string {
  return `{${items.join(", ")}}`;
}
