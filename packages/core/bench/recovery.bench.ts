// Master failover at scale, in the spirit of Mesos's MasterFailover_BENCHMARK_Test: a master
// admits 10k agents into its registry and is stopped; a new master recovers the registry,
// and 10k simulated agents carrying 100k running tasks re-register with it. Measured: from the
// first REREGISTER body parsed to the last agent re-registered (the internal protocol's parsing
// and validation, the master's task reconciliation, the allocator and registry reads included;
// HTTP is not: the agents are in this process, as in Mesos's benchmark). The registry is kept in
// memory: re-registering a recovered agent writes nothing, and 10k fsynced SQLite admissions
// would only make the setup take minutes.
import "reflect-metadata";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { pino } from "pino";
import { parseAgentCall } from "../src/api/agent-protocol/calls.js";
import { MemorySink, startMaster, type MasterRegistry } from "../src/master/index.js";
import { MemoryStorage, Registry } from "../src/registry/index.js";

const AGENTS: number = 10_000;
const TASKS_PER_AGENT = 10;
const FRAMEWORKS = 10;
/** Agents re-registering at once (each is an independent request in real life). */
const CONCURRENCY = 200;

const scalar = (name: string, value: number) => ({ name, type: "SCALAR", scalar: { value } });
const agentInfo = (i: number) => ({
  hostname: `host-${i}`,
  port: 5051,
  resources: [scalar("cpus", 24), scalar("mem", 65536), { name: "ports", type: "RANGES", ranges: { range: [{ begin: 31000, end: 32000 }] } }],
  attributes: [{ name: "rack", type: "TEXT", text: { value: `r${i % 40}` } }],
});
const masterOptions = (workDir: string, registry: MasterRegistry) => ({
  port: 0,
  workDir,
  registry,
  logger: pino({ level: "silent" }),
  // No pings or offers during the measurement: only re-registration work.
  agentPingIntervalMs: 3_600_000,
  allocationIntervalMs: 3_600_000,
  agentReregisterTimeoutMs: 3_600_000,
});

export async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "tessera-recovery-bench-"));
  try {
    // First master: admit agents and frameworks into the registry, then stop (as if it died).
    // One registry outliving both masters (a master's stop closes its registry; this one stays open).
    const shared = new Registry(new MemoryStorage());
    const registry: MasterRegistry = Object.create(shared, { close: { value: () => undefined } }) as MasterRegistry;
    const first = await startMaster(masterOptions(dir, registry));
    const agentIds: string[] = [];
    for (let i = 0; i < AGENTS; i++) {
      const { agentId } = await first.master.registerAgent({ type: "REGISTER", register: { agent_info: agentInfo(i), version: "1.0.0" } }, new MemorySink());
      agentIds.push(agentId);
    }
    const frameworkIds: string[] = [];
    for (let f = 0; f < FRAMEWORKS; f++) {
      const { frameworkId } = await first.master.subscribe(
        { type: "SUBSCRIBE", subscribe: { framework_info: { user: "bench", name: `fw-${f}`, roles: ["*"], failover_timeout: 3600 } } } as never,
        new MemorySink(),
      );
      frameworkIds.push(frameworkId);
    }
    await first.stop();

    // What each agent will send: JSON text, as it arrives on the wire.
    const bodies = agentIds.map((id, i) =>
      JSON.stringify({
        type: "REREGISTER",
        agent_id: { value: id },
        reregister: {
          agent_info: agentInfo(i),
          version: "1.0.0",
          tasks: Array.from({ length: TASKS_PER_AGENT }, (_, t) => {
            const fid = frameworkIds[(i + t) % FRAMEWORKS]!;
            return {
              name: `task-${i}-${t}`,
              task_id: { value: `task-${i}-${t}` },
              framework_id: { value: fid },
              agent_id: { value: id },
              state: "TASK_RUNNING",
              resources: [{ ...scalar("cpus", 1), allocation_info: { role: "*" } }, { ...scalar("mem", 1024), allocation_info: { role: "*" } }],
              statuses: [{ task_id: { value: `task-${i}-${t}` }, state: "TASK_RUNNING", source: "SOURCE_EXECUTOR", timestamp: 1 }],
            };
          }),
          frameworks: frameworkIds.map((fid, f) => ({ id: { value: fid }, user: "bench", name: `fw-${f}`, roles: ["*"], failover_timeout: 3600 })),
          executor_infos: [],
        },
      }),
    );

    const second = await startMaster(masterOptions(dir, registry));
    if (second.master.recoveredAgents.size !== AGENTS) throw new Error(`recovery bench: the new master recovered ${second.master.recoveredAgents.size} agents, expected ${AGENTS}`);
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    let next = 0;
    let parseMs = 0;
    const worker = async () => {
      while (next < bodies.length) {
        const i = next++;
        const body = bodies[i]!;
        bodies[i] = ""; // as a server would, let the request body go once parsed
        const p0 = performance.now();
        const call = parseAgentCall(JSON.parse(body));
        parseMs += performance.now() - p0;
        if (call.type !== "REREGISTER") throw new Error("recovery bench: expected REREGISTER");
        await second.master.reregisterAgent(call, new MemorySink());
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    // CPU time too: on a shared machine the wall time also counts other processes' turns.
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const tasks = [...second.master.frameworks.values()].reduce((s, fw) => s + fw.tasks.size, 0);
    if (second.master.agents.size !== AGENTS || second.master.recoveredAgents.size !== 0 || tasks !== AGENTS * TASKS_PER_AGENT) {
      throw new Error(`recovery bench: after re-registration ${second.master.agents.size} agents, ${second.master.recoveredAgents.size} still awaited, ${tasks} tasks`);
    }
    await second.stop();
    console.log(`recovery: agents=${AGENTS} tasks=${tasks} reregister_s=${seconds.toFixed(2)} cpu_s=${cpuSeconds.toFixed(2)} parse_s=${(parseMs / 1000).toFixed(2)}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// Run on its own: `tsx bench/recovery.bench.ts`.
if (import.meta.url === `file://${process.argv[1]}`) await run();
