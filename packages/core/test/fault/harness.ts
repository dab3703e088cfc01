// Real processes for the fault-injection tests: master, agents and frameworks each their own OS
// process on loopback, which a test SIGKILLs, SIGSTOPs and restarts, plus a /proc census of the
// task processes they leave behind.
import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { request } from "undici";

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

// tsx must run from the repo root so it reads the tsconfig with experimentalDecorators.
const REPO = fileURLToPath(new URL("../../../../", import.meta.url));
const NODE = fileURLToPath(new URL("../node-launcher.ts", import.meta.url));
// Failure detection knobs short, so a partition or a restart is noticed within a test's time.
const MASTER_DEFAULTS = {
  "allocation-interval-ms": 100,
  "heartbeat-interval-ms": 1000,
  "ping-interval-ms": 300,
  "max-ping-timeouts": 5,
  "reregister-timeout-ms": 10_000,
  "status-retry-min-ms": 300,
  "status-retry-max-ms": 600,
};
const AGENT_FLAGS = ["--status-retry-min-ms", "300", "--status-retry-max-ms", "600", "--registration-backoff-max-ms", "500"];
const FRAMEWORK = fileURLToPath(new URL("./framework-process.ts", import.meta.url));

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const flags = (o: Record<string, string | number | boolean>) =>
  Object.entries(o).flatMap(([k, val]) => (val === true ? [`--${k}`] : val === false ? [] : [`--${k}`, String(val)]));

function gone(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function exited(child: ChildProcess): Promise<void> {
  return gone(child) ? Promise.resolve() : new Promise((r) => child.once("exit", () => r()));
}

/** A child process whose stdout is JSON lines. */
class Proc {
  readonly lines: Json[] = [];
  private err = "";
  private readonly listeners = new Set<() => void>();
  constructor(readonly child: ChildProcess) {
    let buf = "";
    child.stdout!.on("data", (c: Buffer) => {
      buf += c.toString();
      let nl: number;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.startsWith("{")) this.lines.push(JSON.parse(line) as Json);
      }
      for (const l of this.listeners) l();
    });
    child.stderr!.on("data", (c: Buffer) => {
      this.err += c.toString();
      if (this.err.length > 200_000) this.err = this.err.slice(-100_000);
    });
    child.once("exit", () => this.listeners.forEach((l) => l()));
  }

  get pid(): number {
    return this.child.pid!;
  }

  logs(): string {
    return this.err;
  }

  /** Resolves once `pred` holds over the lines so far; rejects on timeout or exit. */
  until<T>(pred: (lines: Json[]) => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const r = pred(this.lines);
        if (r !== undefined) {
          done();
          resolve(r);
        } else if (gone(this.child)) {
          done();
          reject(new Error(`${what}: the process exited (${this.child.exitCode ?? this.child.signalCode}):\n${this.err.slice(-3000)}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${what}: not within ${timeoutMs} ms; last lines: ${JSON.stringify(this.lines.slice(-5)).slice(0, 1500)}\n${this.err.slice(-2000)}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      this.listeners.add(check);
      check();
    });
  }

  signal(sig: NodeJS.Signals): void {
    if (!gone(this.child)) this.child.kill(sig);
  }

  async sigkill(): Promise<void> {
    this.signal("SIGKILL");
    await exited(this.child);
  }

  /** SIGTERM (clean stop), SIGKILL after `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    if (gone(this.child)) return;
    this.signal("SIGCONT");
    this.signal("SIGTERM");
    const t = setTimeout(() => this.signal("SIGKILL"), graceMs);
    await exited(this.child);
    clearTimeout(t);
  }
}

function spawnTsx(script: string, args: string[]): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", script, ...args], { cwd: REPO, env: { ...process.env, NODE_OPTIONS: "" }, stdio: ["pipe", "pipe", "pipe"] });
}

export class NodeProc extends Proc {
  url = "";
  agentId: string | undefined;
  port = 0;
  constructor(
    readonly role: "master" | "agent",
    readonly args: string[],
  ) {
    super(spawnTsx(NODE, [role, ...args]));
  }

  static async start(role: "master" | "agent", args: string[], timeoutMs = 30_000): Promise<NodeProc> {
    const p = new NodeProc(role, args);
    const ready = await p.until((ls) => ls.find((l) => l.ready), timeoutMs, `${role} start`);
    p.url = ready.url;
    p.agentId = ready.agentId;
    p.port = ready.port ?? Number(new URL(ready.url).port);
    return p;
  }
}

export interface FrameworkOptions {
  name: string;
  tasks?: number;
  prefix?: string;
  command?: string;
  partitionAware?: boolean;
  /** All tasks into one offer (one agent) instead of spread. */
  pack?: boolean;
  /** A Mesos HealthCheck for every task. */
  healthCheck?: Json;
  failoverTimeoutS?: number;
  frameworkId?: string;
}

/** A scheduler process (framework-process.ts): its events, and calls written to its stdin. */
export class FrameworkProc extends Proc {
  frameworkId = "";
  constructor(readonly masterUrl: string, readonly opts: FrameworkOptions) {
    super(
      spawnTsx(FRAMEWORK, [
        ...flags({
          master: masterUrl,
          name: opts.name,
          tasks: opts.tasks ?? 0,
          prefix: opts.prefix ?? "t",
          "partition-aware": opts.partitionAware ?? false,
          pack: opts.pack ?? false,
          ...(opts.healthCheck !== undefined && { "health-check": JSON.stringify(opts.healthCheck) }),
          "failover-timeout-s": opts.failoverTimeoutS ?? 0,
          ...(opts.command !== undefined && { command: opts.command }),
          ...(opts.frameworkId !== undefined && { "framework-id": opts.frameworkId }),
        }),
      ]),
    );
  }

  static async start(masterUrl: string, opts: FrameworkOptions): Promise<FrameworkProc> {
    const f = new FrameworkProc(masterUrl, opts);
    const sub = await f.until((ls) => ls.find((l) => l.type === "SUBSCRIBED"), 30_000, `${opts.name} SUBSCRIBE`);
    f.frameworkId = sub.subscribed.framework_id.value;
    return f;
  }

  updates(): Json[] {
    return this.lines.filter((l) => l.type === "UPDATE").map((l) => l.update.status as Json);
  }

  /** The latest state per task id over updates received after line `from`. */
  latest(from = 0): Map<string, string> {
    const m = new Map<string, string>();
    for (const l of this.lines.slice(from)) if (l.type === "UPDATE") m.set(l.update.status.task_id.value, l.update.status.state);
    return m;
  }

  /** Waits until every task in `ids` has `state` as its latest update since line `from`. */
  allIn(ids: string[], state: string, timeoutMs: number, from = 0): Promise<true> {
    return this.until(
      () => {
        const m = this.latest(from);
        return ids.every((id) => m.get(id) === state) || undefined;
      },
      timeoutMs,
      `${this.opts.name}: ${ids.length} tasks ${state}`,
    );
  }

  launchedIds(): string[] {
    return this.lines.filter((l) => l.type === "LAUNCHED").flatMap((l) => l.tasks as string[]);
  }

  /** Sends a call through the process and waits for the master's answer. */
  async call(body: Json): Promise<Json> {
    const before = this.lines.length;
    this.child.stdin!.write(`${JSON.stringify(body)}\n`);
    return this.until((ls) => ls.slice(before).find((l) => l.type === "CALL_RESULT"), 10_000, `${body.type}`);
  }

  /** Implicit reconciliation: the answers (one per task the master knows). */
  async reconcile(expect: number, timeoutMs = 10_000): Promise<Json[]> {
    const from = this.lines.length;
    const r = await this.call({ type: "RECONCILE", reconcile: { tasks: [] } });
    if (r.status !== 202) throw new Error(`RECONCILE: ${r.status} ${r.text}`);
    return this.until(
      (ls) => {
        const got = ls.slice(from).filter((l) => l.type === "UPDATE" && l.update.status.reason === "REASON_RECONCILIATION");
        return got.length >= expect ? got.map((l) => l.update.status as Json) : undefined;
      },
      timeoutMs,
      `${this.opts.name}: reconciliation`,
    );
  }
}

/** Task processes alive now, by `<frameworkId>/<taskId>` marker, counted (2 means duplicated). */
export function taskProcesses(): Map<string, number> {
  const out = new Map<string, number>();
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    let cmd: string;
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    } catch {
      continue; // it ended meanwhile
    }
    // The task's own `sh -c` carries the marker; supervisors are forks of the launcher shell, whose command line does not.
    const argv = cmd.split("\0");
    const m = argv[1] === "-c" ? /; : fault-task=(\S+)$/.exec(argv[2] ?? "") : null;
    if (m) out.set(m[1]!, (out.get(m[1]!) ?? 0) + 1);
  }
  return out;
}

/** Asks the master for /master/state. */
export async function masterState(url: string): Promise<Json> {
  const res = await request(new URL("/master/state", url));
  return (await res.body.json()) as Json;
}

/** A cluster of real processes in a temp dir; `stop()` ends everything it started. */
export class FaultCluster {
  master!: NodeProc;
  readonly agents: NodeProc[] = [];
  readonly frameworks: FrameworkProc[] = [];
  private constructor(
    readonly dir: string,
    readonly masterArgs: Record<string, string | number>,
    readonly agentResources: string,
  ) {}

  static async start(opts: { agents: number; agentResources: string; master?: Record<string, string | number> }): Promise<FaultCluster> {
    const c = new FaultCluster(await mkdtemp(join(tmpdir(), "tessera-fault-")), opts.master ?? {}, opts.agentResources);
    try {
      await c.startMaster(0);
      for (let i = 0; i < opts.agents; i++) c.agents.push(await c.startAgent(i));
      return c;
    } catch (e) {
      await c.stop();
      throw e;
    }
  }

  /** (Re)starts the master on `port` (0: any) with the same work dir, so it recovers its registry. */
  async startMaster(port: number): Promise<NodeProc> {
    this.master = await NodeProc.start("master", ["--port", String(port), "--work-dir", join(this.dir, "master"), ...flags({ ...MASTER_DEFAULTS, ...this.masterArgs })]);
    return this.master;
  }

  /** (Re)starts agent `i` with its work dir, so it recovers its tasks and agent id. */
  async startAgent(i: number, masterUrl = this.master.url): Promise<NodeProc> {
    const a = await NodeProc.start("agent", ["--master", masterUrl, "--work-dir", join(this.dir, `agent${i}`), "--resources", this.agentResources, ...AGENT_FLAGS]);
    this.agents[i] = a;
    return a;
  }

  async framework(opts: FrameworkOptions): Promise<FrameworkProc> {
    const f = await FrameworkProc.start(this.master.url, opts);
    this.frameworks.push(f);
    return f;
  }

  /** A framework process, not waited for (e.g. one the master is expected to refuse). */
  spawnFramework(opts: FrameworkOptions): FrameworkProc {
    const f = new FrameworkProc(this.master.url, opts);
    this.frameworks.push(f);
    return f;
  }

  async stop(): Promise<void> {
    for (const f of this.frameworks) {
      if (!gone(f.child) && f.frameworkId) await f.call({ type: "TEARDOWN" }).catch(() => undefined);
      await f.stop(1000);
    }
    for (const a of this.agents) await a?.stop();
    await this.master?.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}
