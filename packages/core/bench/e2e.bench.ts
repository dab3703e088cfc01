// End-to-end launch rate and master memory (issue 3): tasks launched per second through the
// v1 HTTP API with a no-op containerizer and with the process containerizer, and the master's
// heap per agent and per task. The master runs in its own process, as in production.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { kill, launch, type NodeProcess } from "../test/cluster.js";
import { BenchFramework, type LaunchRun } from "./e2e-framework.js";
import { CallConnection } from "./e2e-connection.js";
import { SimAgent } from "./e2e-sim-agent.js";

const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const scalar = (name: string, value: number) => ({ name, type: "SCALAR", scalar: { value } });

/** CPU seconds (user + system) a process has used so far, from /proc; undefined where there is no /proc. */
function cpuSeconds(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / sysconfTicks;
  } catch {
    return undefined;
  }
}
const sysconfTicks = 100; // USER_HZ: 100 on every Linux architecture Node runs on

/** CPU seconds all CPUs of the machine spent busy so far (user, nice, system, irq, softirq), from /proc/stat. */
function machineBusySeconds(): number | undefined {
  try {
    const [user, nice, system, , , irq, softirq] = readFileSync("/proc/stat", "utf8").split("\n")[0]!.split(/\s+/).slice(1).map(Number);
    return (user! + nice! + system! + irq! + softirq!) / sysconfTicks;
  } catch {
    return undefined;
  }
}

/**
 * Runs one measured batch. Besides the rate, reports the master's CPU time per task: on a machine
 * shared with other work the rate depends on how much CPU the master got, the CPU cost does not.
 */
async function measure(mode: string, master: NodeProcess, batch: () => Promise<LaunchRun>, agent?: NodeProcess): Promise<string> {
  const cpu0 = cpuSeconds(master.pid);
  const agent0 = agent && cpuSeconds(agent.pid);
  const machine0 = machineBusySeconds();
  const own0 = process.cpuUsage();
  const r = await batch();
  const cpu1 = cpuSeconds(master.pid);
  const agent1 = agent && cpuSeconds(agent.pid);
  const machine1 = machineBusySeconds();
  const own = process.cpuUsage(own0);
  if (r.failed > 0) throw new Error(`e2e ${mode}: ${r.failed} of ${r.tasks} tasks did not finish, e.g. ${r.firstFailure}`);
  const cpu = cpu0 !== undefined && cpu1 !== undefined ? ` master_cpu_us_per_task=${Math.round(((cpu1 - cpu0) * 1e6) / r.tasks)}` : "";
  // The bench's own framework and simulated agents share the 2 cores with the master.
  const client = ` client_cpu_us_per_task=${Math.round((own.user + own.system) / r.tasks)}`;
  const perTask = (name: string, a?: number, b?: number) => (a !== undefined && b !== undefined ? ` ${name}=${Math.round(((b - a) * 1e6) / r.tasks)}` : "");
  // The agent's own process (not its launcher or tasks), and everything the machine did meanwhile
  // (with the process containerizer: the tasks' exec too, which no process above accounts for).
  const rest = perTask("agent_cpu_us_per_task", agent0, agent1) + perTask("machine_cpu_us_per_task", machine0, machine1);
  return `e2e: launch_per_second=${Math.round(r.tasks / r.seconds)} mode=${mode} tasks=${r.tasks}${cpu}${client}${rest}`;
}

async function withMaster<T>(dir: string, fn: (master: NodeProcess) => Promise<T>): Promise<T> {
  const master = await launch("master", ["--work-dir", join(dir, "master"), "--allocation-interval-ms", "100"], 120_000);
  try {
    return await fn(master);
  } finally {
    await kill(master);
  }
}

/** Ten simulated agents answer RUN_TASK at once: what is measured is the master and the API. */
async function noop(dir: string, tasks: number): Promise<string> {
  return withMaster(dir, async (master) => {
    const calls = new CallConnection(master.url);
    const agents = Array.from({ length: 10 }, (_, i) => new SimAgent(master.url, `sim-${i}`, 5051, [scalar("cpus", 8), scalar("mem", 8192)]));
    for (const a of agents) await a.register();
    const fw = new BenchFramework(master.url, calls);
    await fw.subscribe("bench-noop");
    const shape = { cpus: 0.01, mem: 8, command: "true", perOffer: 200 };
    // JIT, pools, allocator caches: after 2,000 tasks the master was still compiling hot functions.
    await measure("noop warm-up", master, () => fw.run(Math.min(5000, tasks), shape));
    const result = await measure("noop", master, () => fw.run(tasks, shape));
    const errors = agents.flatMap((a) => a.errors);
    if (errors.length > 0) throw new Error(`e2e noop: simulated agents' calls failed: ${errors[0]}`);
    await fw.close();
    for (const a of agents) a.close();
    calls.close();
    return result;
  });
}

/** One real agent with the process containerizer runs `true` tasks. */
async function processes(dir: string, tasks: number): Promise<string> {
  return withMaster(dir, async (master) => {
    const agent = await launch(
      "agent",
      ["--master", master.url, "--work-dir", join(dir, "agent"), "--resources", "cpus:64;mem:65536;disk:1024", "--status-retry-min-ms", "10000"],
      120_000,
    );
    try {
      const calls = new CallConnection(master.url);
      const fw = new BenchFramework(master.url, calls);
      await fw.subscribe("bench-process");
      const shape = { cpus: 0.1, mem: 32, command: "true", perOffer: 100 };
      // As for noop: after 100 tasks the master's and agent's compiler threads still took ~40% of
      // their CPU per task; after 500 about half of that.
      await measure("process warm-up", master, () => fw.run(Math.min(500, tasks), shape), agent);
      const result = await measure("process", master, () => fw.run(tasks, shape), agent);
      await fw.close();
      calls.close();
      return result;
    } finally {
      await kill(agent);
    }
  });
}

/** Master heap per agent and per task, in a child process with --expose-gc (see e2e-heap.ts). */
async function heap(): Promise<string> {
  const child = spawn(process.execPath, ["--expose-gc", "--import", "tsx", fileURLToPath(new URL("./e2e-heap.ts", import.meta.url))], {
    cwd: REPO,
    env: { ...process.env, TSX_TSCONFIG_PATH: join(REPO, "tsconfig.json") },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr.on("data", (c: Buffer) => (err += c.toString()));
  const code = await new Promise<number | null>((r) => child.once("exit", r));
  if (code !== 0) throw new Error(`e2e heap: exited ${code}: ${err.slice(-2000)}`);
  const r = JSON.parse(out.trim().split("\n").at(-1)!) as { agents: number; tasks: number; perAgentBytes: number; perTaskBytes: number };
  return `e2e: master_heap_per_agent_bytes=${Math.round(r.perAgentBytes)} master_heap_per_task_bytes=${Math.round(r.perTaskBytes)} agents=${r.agents} tasks=${r.tasks} via=master_class`;
}

export async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "tessera-bench-e2e-"));
  try {
    // The noop run is long enough (~7 s) that start and end of the batch and JIT compiling do not
    // dominate it, as they did at 10,000 tasks (~3 s).
    // E2E_ONLY=noop,process,heap runs a subset (when working on one of them).
    const only = new Set((process.env.E2E_ONLY ?? "noop,process,heap").split(","));
    if (only.has("noop")) console.log(await noop(dir, Number(process.env.E2E_NOOP_TASKS ?? 30_000)));
    if (only.has("process")) console.log(await processes(dir, Number(process.env.E2E_PROCESS_TASKS ?? 1_000)));
    if (only.has("heap")) console.log(await heap());
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
