import { covers, vecOf, type NameIndex, type QuantitiesLike, type Vec } from "./scalar-vector.js";

/** Mesos's default `--min_allocatable_resources`: "cpus:0.01|mem:32". */
export const DEFAULT_MIN_ALLOCATABLE: readonly QuantitiesLike[] = Object.freeze<QuantitiesLike[]>([{ cpus: 0.01 }, { mem: 32 }]);

/** Alternatives as vectors; `where` names the list in errors (e.g. `minAllocatableResources`). */
export function minAllocatableVecs(index: NameIndex, alternatives: readonly QuantitiesLike[], where: string): Vec[] {
  if (!Array.isArray(alternatives)) throw new Error(`${where}: expected an array of quantities, got ${typeof alternatives}`);
  return alternatives.map((q, i) => {
    if (q === null || typeof q !== "object") throw new Error(`${where}[${i}]: expected quantities such as {"cpus": 1}, got ${JSON.stringify(q)}`);
    return vecOf(index, q, `${where}[${i}]`);
  });
}

/**
 * True when `offered` meets at least one alternative in full; with no alternatives anything
 * non-empty is allocatable (Mesos `allocatable()`).
 */
export function meetsMinimum(offered: Vec, alternatives: readonly Vec[]): boolean {
  if (alternatives.length === 0) return true;
  for (const alt of alternatives) if (covers(offered, alt)) return true;
  return false;
}
