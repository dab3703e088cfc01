// The shape of Mesos's HierarchicalAllocator_BENCHMARK_Test.DeclineOffers: agents with 24 cpus
// of which 16 are in use by tasks, frameworks in one role that decline every offer with a long
// refuse_seconds. Measures allocate() per cycle; each cycle offers every agent to the next
// framework that has not yet refused it, so cycle k scans past k filters per agent.
// Only cycles that still make offers are measured (Mesos runs twice as many; once every
// framework has refused every agent, a cycle skips each agent in O(1) and costs ~nothing).
import { performance } from "node:perf_hooks";
import { HierarchicalAllocator, Resources } from "../src/index.js";

const ROLE = "role1";
const AGENT_TOTAL = Resources.parse("cpus:24;mem:4096;disk:4096;ports:[31000-32000]");
/** 16 single ports spread over the range, so the agents' free ports are fragmented as in Mesos's fragment(). */
const TASK_PORTS = Array.from({ length: 16 }, (_, i) => `${31000 + i * 2}-${31000 + i * 2}`).join(",");
const IN_USE = Resources.parse(`cpus:16;mem:2014;disk:1024;ports:[${TASK_PORTS}]`).allocatedTo(ROLE);
/** Mesos's benchmark passes INT_MAX; the allocator caps refuse_seconds at a year. */
const REFUSE = { refuseSeconds: 2 ** 31 - 1 };

interface Size {
  agents: number;
  frameworks: number;
  /** Cycles to measure: all `frameworks` active cycles, cut short for the largest size to keep the run to ~2 minutes. */
  cycles: number;
}

const SIZES: Size[] = [
  { agents: 1_000, frameworks: 50, cycles: 50 },
  { agents: 10_000, frameworks: 100, cycles: 100 },
  { agents: 50_000, frameworks: 1_000, cycles: 30 },
];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function measure({ agents, frameworks, cycles }: Size): string {
  const allocator = new HierarchicalAllocator();
  for (let f = 0; f < frameworks; f++) allocator.addFramework(`framework-${f}`, { roles: [ROLE] });
  for (let i = 0; i < agents; i++) {
    allocator.addAgent(`agent-${i}`, {
      hostname: `host-${i}`,
      total: AGENT_TOTAL,
      // Round-robin the tasks over the frameworks, as the Mesos benchmark does.
      allocated: new Map([[`framework-${i % frameworks}`, IN_USE]]),
    });
  }

  const times: number[] = [];
  let offers = 0;
  for (let cycle = 0; cycle < cycles; cycle++) {
    const now = cycle * 1000;
    const start = performance.now();
    const made = allocator.allocate(now);
    times.push(performance.now() - start);
    offers += made.length;
    for (const o of made) allocator.recoverResources(o.frameworkId, o.agentId, o.resources, REFUSE, now);
  }
  times.sort((a, b) => a - b);
  const median = percentile(times, 50);
  const p99 = percentile(times, 99);
  return `allocate: agents=${agents} frameworks=${frameworks} offers=${offers} median_ms=${median.toFixed(2)} p99_ms=${p99.toFixed(2)}`;
}

export async function run(): Promise<void> {
  // e.g. ALLOCATOR_BENCH_SIZES=1000x50x100 to run one size with 100 cycles.
  const only = process.env.ALLOCATOR_BENCH_SIZES?.split(",").map((s) => {
    const [agents, frameworks, cycles] = s.split("x").map(Number);
    return { agents, frameworks, cycles: cycles || frameworks };
  });
  for (const size of only ?? SIZES) console.log(measure(size));
}
