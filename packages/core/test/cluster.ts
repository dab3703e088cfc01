// A master and agents as separate OS processes on loopback, started through node-launcher.ts.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

// tsx must run from the repo root so it reads the tsconfig with experimentalDecorators.
const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const LAUNCHER = fileURLToPath(new URL("./node-launcher.ts", import.meta.url));

export interface NodeProcess {
  role: "master" | "agent";
  url: string;
  pid: number;
  /** Set for agents: the id the master gave it. */
  agentId?: string;
  child: ChildProcess;
  /** Everything it wrote to stderr so far (its logs), for failure messages. */
  logs(): string;
}

export interface ClusterOptions {
  agents?: number;
  /** Mesos resource text for every agent. */
  agentResources?: string;
  master?: Record<string, string | number>;
  agent?: Record<string, string | number>;
  startTimeoutMs?: number;
}

export interface Cluster {
  dir: string;
  master: NodeProcess;
  agents: NodeProcess[];
  /** SIGTERM every node (agents first, so they kill their tasks), SIGKILL stragglers, remove the work dir. */
  stop(): Promise<void>;
}

function flags(o: Record<string, string | number> = {}): string[] {
  return Object.entries(o).flatMap(([k, val]) => [`--${k}`, String(val)]);
}

/** Spawns one node and resolves once it prints its ready line. */
export function launch(role: "master" | "agent", args: string[], timeoutMs = 30_000, nodeArgs: string[] = []): Promise<NodeProcess> {
  const child = spawn(process.execPath, [...nodeArgs, "--import", "tsx", LAUNCHER, role, ...args], {
    cwd: REPO,
    // An inherited relative TSX_TSCONFIG_PATH (tsx --tsconfig) would resolve against REPO: make it absolute.
    env: { ...process.env, NODE_OPTIONS: "", TSX_TSCONFIG_PATH: join(REPO, "tsconfig.json") },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let err = "";
  let out = "";
  child.stderr!.on("data", (c: Buffer) => {
    err += c.toString();
    if (err.length > 200_000) err = err.slice(-100_000);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${role} did not start within ${timeoutMs} ms:\n${err.slice(-4000)}`));
    }, timeoutMs);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${role} exited with ${code} before it was ready:\n${err.slice(-4000)}`));
    });
    child.stdout!.on("data", (c: Buffer) => {
      out += c.toString();
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (!line) return;
      clearTimeout(timer);
      const ready = JSON.parse(line) as { url: string; agentId?: string };
      resolve({ role, url: ready.url, pid: child.pid!, ...(ready.agentId !== undefined && { agentId: ready.agentId }), child, logs: () => err });
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => child.once("exit", () => r()));
}

/** Stops one node: SIGTERM, then SIGKILL after `graceMs`. */
export async function kill(node: NodeProcess, graceMs = 5000): Promise<void> {
  if (node.child.exitCode !== null || node.child.signalCode !== null) return;
  node.child.kill("SIGTERM");
  const t = setTimeout(() => node.child.kill("SIGKILL"), graceMs);
  await exited(node.child);
  clearTimeout(t);
}

export async function startCluster(opts: ClusterOptions = {}): Promise<Cluster> {
  const dir = await mkdtemp(join(tmpdir(), "tessera-it-"));
  const started: NodeProcess[] = [];
  try {
    const master = await launch("master", ["--work-dir", join(dir, "master"), ...flags(opts.master)], opts.startTimeoutMs);
    started.push(master);
    // One after the other: two cold tsx starts at once on 2 cores only slow each other down.
    const agents: NodeProcess[] = [];
    for (let i = 0; i < (opts.agents ?? 2); i++) {
      const agentArgs = ["--master", master.url, "--work-dir", join(dir, `agent${i}`), ...flags(opts.agent)];
      if (opts.agentResources) agentArgs.push("--resources", opts.agentResources);
      const agent = await launch("agent", agentArgs, opts.startTimeoutMs);
      started.push(agent);
      agents.push(agent);
    }
    const stop = async () => {
      for (const a of agents) await kill(a);
      await kill(master);
      await rm(dir, { recursive: true, force: true });
    };
    return { dir, master, agents, stop };
  } catch (e) {
    for (const n of started.reverse()) await kill(n, 1000);
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}
