// Hot-path cost of resource arithmetic on a typical agent, as the allocator uses it per agent per cycle.
import { Resources, dominantShare } from "../src/resources/index.js";

const N = 100_000;

/** A typical agent: unreserved and reserved scalars, a few port ranges, a dynamic refinement. */
const agent = Resources.fromJSON([
  { name: "cpus", type: "SCALAR", scalar: { value: 32 } },
  { name: "mem", type: "SCALAR", scalar: { value: 131072 } },
  { name: "disk", type: "SCALAR", scalar: { value: 1_000_000 } },
  { name: "gpus", type: "SCALAR", scalar: { value: 2 } },
  { name: "ports", type: "RANGES", ranges: { range: [{ begin: 31000, end: 32000 }, { begin: 33000, end: 34000 }, { begin: 35000, end: 35500 }] } },
  { name: "cpus", type: "SCALAR", scalar: { value: 4 }, role: "eng" },
  { name: "mem", type: "SCALAR", scalar: { value: 8192 }, role: "eng" },
  { name: "cpus", type: "SCALAR", scalar: { value: 2 }, reservations: [{ type: "STATIC", role: "eng" }, { type: "DYNAMIC", role: "eng/ml", principal: "ml" }] },
]);
/** What one task takes from it. */
const task = Resources.parse("cpus:1.5;mem:4096;disk:100;ports:[31005-31006]");
const available = agent.minus(task);

const ROUNDS = 5;

/**
 * CPU time (not wall time) per op, best of a few rounds: on a shared machine waiting for a core
 * is not our cost, and the minimum is the least disturbed figure.
 */
function measure(op: string, fn: (i: number) => unknown): void {
  let sink = 0;
  let best = Infinity;
  for (let i = 0; i < N / 10; i++) if (fn(i)) sink++; // warm up the JIT
  for (let round = 0; round < ROUNDS; round++) {
    const start = process.cpuUsage();
    for (let i = 0; i < N; i++) if (fn(i)) sink++;
    const used = process.cpuUsage(start);
    best = Math.min(best, ((used.user + used.system) * 1000) / N);
  }
  console.log(`resources: op=${op} n=${N} ns_per_op=${best.toFixed(1)}${sink < 0 ? " " : ""}`);
}

export async function run(): Promise<void> {
  const total = agent.quantities();
  const allocated = task.quantities();
  measure("plus", () => available.plus(task));
  measure("minus", () => agent.minus(task));
  measure("contains", (i) => (i & 1 ? agent.contains(task) : available.contains(agent)));
  measure("allocatableTo", (i) => agent.allocatableTo(i & 1 ? "eng/ml" : "web"));
  measure("minus+quantities", () => agent.minus(task).quantities()); // quantities are cached per value, so make a fresh one
  measure("dominantShare", () => dominantShare(allocated, total, 2));
  const json = JSON.stringify(agent);
  measure("parse", () => Resources.parse("cpus:4;mem:8192;ports:[31000-32000,33000-33100];disk(eng):100"));
  measure("fromJSON", () => Resources.fromJSON(JSON.parse(json)));
}
