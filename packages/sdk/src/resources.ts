import type { Offer, Range, Resource } from "./types.js";

/** What a task needs from an offer. */
export interface ResourceNeeds {
  cpus?: number;
  mem?: number;
  disk?: number;
  gpus?: number;
  /** How many host ports, or exactly which ones. */
  ports?: number | number[];
  /** Any other scalar resource by name (e.g. a cluster-wide license). */
  scalars?: Record<string, number>;
}

export interface Picked {
  /** Resources to put in the TaskInfo, each keeping the role/reservation of the offered piece. */
  picked: Resource[];
  /** What is left of the offer, to pack further tasks. */
  remaining: Resource[];
}

// Mesos compares scalars in fixed point with three decimals; do the same so 0.1 * 3 fits in 0.3.
const round = (x: number): number => Math.round(x * 1000) / 1000;

/**
 * Takes `needs` out of `offered` (an offer or what remains of one). Returns undefined when it does not fit.
 * Revocable resources are used only when `allowRevocable` is set.
 */
export function pickResources(offered: Offer | Resource[], needs: ResourceNeeds, opts: { allowRevocable?: boolean } = {}): Picked | undefined {
  let remaining = resourcesOf(offered).map((r) => structuredClone(r));
  const usable = (r: Resource): boolean => opts.allowRevocable === true || r.revocable === undefined;
  const picked: Resource[] = [];
  const scalars: [string, number][] = [
    ["cpus", needs.cpus ?? 0],
    ["mem", needs.mem ?? 0],
    ["disk", needs.disk ?? 0],
    ["gpus", needs.gpus ?? 0],
    ...Object.entries(needs.scalars ?? {}),
  ];
  for (const [name, amount] of scalars) {
    let want = round(amount);
    if (want <= 0) continue;
    for (const r of remaining) {
      if (want <= 0) break;
      if (r.name !== name || r.type !== "SCALAR" || !r.scalar || !usable(r)) continue;
      const take = round(Math.min(want, r.scalar.value));
      if (take <= 0) continue;
      picked.push({ ...structuredClone(r), scalar: { value: take } });
      r.scalar.value = round(r.scalar.value - take);
      want = round(want - take);
    }
    if (want > 0) return undefined;
  }
  if (needs.ports !== undefined) {
    const portRes = remaining.filter((r) => r.name === "ports" && r.type === "RANGES" && usable(r));
    const taken = takePorts(portRes, needs.ports);
    if (!taken) return undefined;
    picked.push(...taken);
  }
  remaining = remaining.filter((r) => !(r.type === "SCALAR" && r.scalar && r.scalar.value <= 0) && !(r.type === "RANGES" && (r.ranges?.range ?? []).length === 0));
  return { picked, remaining };
}

/** Sum of a scalar resource in an offer (or resource list). */
export function scalarOf(offered: Offer | Resource[], name: string): number {
  return round(resourcesOf(offered).reduce((sum, r) => (r.name === name && r.type === "SCALAR" && r.scalar ? sum + r.scalar.value : sum), 0));
}

function takePorts(portRes: Resource[], want: number | number[]): Resource[] | undefined {
  const out: Resource[] = [];
  const wanted = typeof want === "number" ? undefined : new Set(want);
  let count = typeof want === "number" ? want : want.length;
  for (const r of portRes) {
    if (count <= 0) break;
    const got: Range[] = [];
    const left: Range[] = [];
    for (const range of r.ranges?.range ?? []) {
      let start = range.begin;
      for (let p = range.begin; p <= range.end; p++) {
        const take = count > 0 && (wanted ? wanted.has(p) : true);
        if (!take) continue;
        if (p > start) left.push({ begin: start, end: p - 1 });
        addPort(got, p);
        wanted?.delete(p);
        start = p + 1;
        count--;
        if (!wanted && count === 0) break;
      }
      if (start <= range.end) left.push({ begin: start, end: range.end });
    }
    if (got.length > 0) {
      out.push({ ...structuredClone(r), ranges: { range: got } });
      r.ranges!.range = left;
    }
  }
  return count > 0 ? undefined : out;
}

function resourcesOf(offered: Offer | Resource[]): Resource[] {
  return (Array.isArray(offered) ? offered : offered.resources) ?? [];
}

function addPort(ranges: Range[], p: number): void {
  const last = ranges[ranges.length - 1];
  if (last && last.end === p - 1) last.end = p;
  else ranges.push({ begin: p, end: p });
}
