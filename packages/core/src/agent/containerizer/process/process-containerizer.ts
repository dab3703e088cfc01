import { spawn, type ChildProcess } from "node:child_process";
import { readFile, stat } from "node:fs/promises";
import { userInfo } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { z } from "zod";
import type {
  CheckpointedContainer,
  ContainerLaunch,
  ContainerTermination,
  Containerizer,
  RecoveredContainer,
} from "../../../hooks/containerizer.js";
import { lookupUser } from "../../sandbox/users.js";
import { CommandError, taskCommand } from "./command.js";
import { lostTermination, parseExitFile, terminationOf } from "./exit-status.js";
import { prepareMounts } from "./mounts.js";
import { bootId, clockTicks, pageSize, readProcStat, scanProcesses, type ProcStat } from "./procfs.js";
import { EXIT_FILE, SUPERVISOR_NAME, SUPERVISOR_SCRIPT, taskChain } from "./supervisor.js";
import { findTools, type Tools } from "./tools.js";

export interface ProcessContainerizerOptions {
  /** How often containers without a supervisor of ours (recovered ones) are checked, ms. Default 250. */
  pollIntervalMs?: number;
  /** Paths of host programs; found in PATH by default. */
  tools?: Partial<Tools>;
  /** Ended containers remembered for late wait()/destroy() calls. Default 10 000. */
  rememberEnded?: number;
}

/** What launch returns as `data`, checkpointed by the agent and handed back to recover(). */
const SupervisedData = z.object({
  supervisorPid: z.number().int().gt(1),
  /** Clock ticks after boot: a later process with the same pid is not our supervisor. */
  supervisorStart: z.number().int().nonnegative(),
  /** The task's process group (its pid: setsid made it the leader). */
  pgid: z.number().int().gt(1),
  bootId: z.string().min(1),
});
type SupervisedData = z.infer<typeof SupervisedData>;

interface Container extends SupervisedData {
  id: string;
  sandbox: string;
  killed: boolean;
  settled: boolean;
  /** Our child when this instance launched it: its exit event says when the task ended. */
  child?: ChildProcess;
  childExited: boolean;
  ready: Promise<void>;
  done: Promise<ContainerTermination>;
  settle(t: ContainerTermination): void;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Runs each task as plain processes under a tiny per-task supervisor shell that survives the agent
 * (see SUPERVISOR_SCRIPT): stdout and stderr go to files in the sandbox, the task's exit status to
 * EXIT_FILE there. The task has its own process group; destroy signals the whole group.
 */
export class ProcessContainerizer implements Containerizer {
  readonly name = "process";
  private readonly tools: Tools;
  private readonly pollIntervalMs: number;
  private readonly rememberEnded: number;
  private readonly boot = bootId();
  private readonly ownPgid = readProcStat(process.pid)?.pgid;
  private readonly live = new Map<string, Container>();
  private readonly ended = new Map<string, ContainerTermination>();
  private readonly polled = new Set<Container>();
  private timer: NodeJS.Timeout | undefined;
  private procCache: { at: number; procs: ProcStat[] } | undefined;

  constructor(options: ProcessContainerizerOptions = {}) {
    this.tools = findTools(options.tools);
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.rememberEnded = options.rememberEnded ?? 10_000;
  }

  async launch(l: ContainerLaunch): Promise<{ pid?: number; data?: Record<string, unknown> }> {
    const id = l.containerId;
    if (this.live.has(id) || this.ended.has(id)) throw new Error(`process containerizer: container "${id}" already exists`);
    const cmd = taskCommand(l, this.tools.sh);
    if (!(await stat(l.sandbox).catch(() => undefined))?.isDirectory()) {
      throw new Error(`process containerizer: sandbox ${l.sandbox} is not a directory`);
    }
    const isRoot = process.getuid?.() === 0;
    if (l.plan.mounts.length > 0 && !isRoot) {
      throw new CommandError(`plan.mounts: bind mounts need a mount namespace, which needs root; the agent runs as uid ${process.getuid?.()}`);
    }
    const mounts = l.plan.mounts.length > 0 ? await prepareMounts(l.plan, l.sandbox) : [];
    const user = this.switchTo(l.user, isRoot);
    const chain = taskChain(this.tools, {
      file: cmd.file,
      argv: cmd.argv,
      mounts,
      ...(l.plan.netnsPath !== undefined ? { netnsPath: l.plan.netnsPath } : {}),
      ...(l.plan.wrapper && l.plan.wrapper.length > 0 ? { wrapper: l.plan.wrapper } : {}),
      ...(user ? { user } : {}),
    });

    const child = spawn(this.tools.sh, ["-c", SUPERVISOR_SCRIPT, SUPERVISOR_NAME, ...chain], {
      argv0: SUPERVISOR_NAME,
      cwd: l.sandbox,
      env: cmd.env,
      detached: true,
      stdio: ["ignore", "ignore", "ignore", "pipe"],
    });
    child.unref();
    const supervisorPid = child.pid;
    // Read before yielding to the event loop: the supervisor cannot have been reaped yet.
    const supervisorStart = supervisorPid === undefined ? undefined : readProcStat(supervisorPid)?.start;

    let markReady!: () => void;
    let failReady!: (e: unknown) => void;
    const c = this.track({
      id,
      sandbox: l.sandbox,
      supervisorPid: supervisorPid ?? 0,
      supervisorStart: supervisorStart ?? 0,
      pgid: 0,
      bootId: this.boot,
      child,
      ready: new Promise<void>((res, rej) => {
        markReady = res;
        failReady = rej;
      }),
    });
    c.ready.catch(() => undefined);
    child.once("exit", () => {
      c.childExited = true;
      c.ready.then(() => this.check(c), () => undefined);
    });

    try {
      if (supervisorPid === undefined || supervisorStart === undefined) {
        throw await new Promise<Error>((res) => child.once("error", res));
      }
      const pid = await this.reportedPid(child, l.sandbox);
      c.pgid = this.checkedPgid(pid);
      markReady();
      return { pid, data: { supervisorPid, supervisorStart, pgid: c.pgid, bootId: this.boot } };
    } catch (err) {
      failReady(err);
      this.live.delete(id);
      if (supervisorPid !== undefined && !c.childExited) child.kill("SIGKILL");
      throw err;
    }
  }

  wait(containerId: string): Promise<ContainerTermination> {
    const c = this.live.get(containerId);
    if (c) return c.done;
    const t = this.ended.get(containerId);
    if (t) return Promise.resolve(t);
    return Promise.reject(new Error(`process containerizer: unknown container "${containerId}"`));
  }

  async destroy(containerId: string, gracePeriodMs: number): Promise<void> {
    const c = this.live.get(containerId);
    if (!c) {
      if (this.ended.has(containerId)) return;
      throw new Error(`process containerizer: unknown container "${containerId}"`);
    }
    c.killed = true;
    try {
      await c.ready;
    } catch {
      return; // the launch failed: nothing runs
    }
    const step = Math.max(5, Math.min(25, this.pollIntervalMs));
    const until = async (deadline: number) => {
      while (!c.settled && Date.now() < deadline) {
        await Promise.race([c.done, sleep(step)]);
        if (!c.child || c.childExited) await this.check(c);
      }
    };
    this.signal(c, "SIGTERM");
    await until(Date.now() + Math.max(0, gracePeriodMs));
    if (!c.settled) {
      this.signal(c, "SIGKILL");
      await until(Infinity);
    }
    // The supervisor killed what was left; wait until the kernel has them all gone.
    for (let i = 0; i < 400 && this.groupAlive(c.pgid); i++) {
      this.signal(c, "SIGKILL");
      await sleep(step);
    }
  }

  async recover(known: CheckpointedContainer[]): Promise<RecoveredContainer[]> {
    const out: RecoveredContainer[] = [];
    for (const k of known) {
      if (k.containerizer !== this.name) continue;
      if (this.live.has(k.containerId)) {
        out.push({ containerId: k.containerId, running: true });
        continue;
      }
      const ended = (t: ContainerTermination) => {
        this.remember(k.containerId, t);
        out.push({ containerId: k.containerId, running: false, termination: t });
      };
      const parsed = SupervisedData.safeParse(k.data);
      if (!parsed.success || parsed.data.pgid === this.ownPgid) {
        ended(lostTermination(`cannot recover container ${k.containerId}: its checkpointed supervisor data is unusable`, false));
        continue;
      }
      const status = await readExitFile(k.sandbox);
      if (status !== undefined) {
        ended(terminationOf(status, false));
        continue;
      }
      if (parsed.data.bootId !== this.boot) {
        ended(lostTermination("the host rebooted while the agent was down: the task is gone", false));
        continue;
      }
      const c = this.track({ ...parsed.data, id: k.containerId, sandbox: k.sandbox, ready: Promise.resolve() });
      if (this.supervisorAlive(c) || this.groupAlive(c.pgid)) {
        this.poll(c);
        out.push({ containerId: k.containerId, running: true });
        continue;
      }
      await this.check(c);
      const t = this.ended.get(k.containerId);
      out.push({ containerId: k.containerId, running: false, ...(t ? { termination: t } : {}) });
    }
    return out;
  }

  /** CPU time and resident memory of the task's process group, from /proc (best effort). */
  async usage(containerId: string): Promise<Record<string, number>> {
    const c = this.live.get(containerId);
    if (!c) throw new Error(`process containerizer: container "${containerId}" is not running`);
    await c.ready;
    const members = this.processes().filter((p) => p.pgid === c.pgid && p.state !== "Z");
    const hz = clockTicks();
    let user = 0;
    let system = 0;
    let rss = 0;
    let threads = 0;
    for (const p of members) {
      user += p.utime;
      system += p.stime;
      rss += p.rss;
      threads += p.threads;
    }
    return {
      cpus_user_time_secs: user / hz,
      cpus_system_time_secs: system / hz,
      mem_rss_bytes: rss * pageSize(),
      processes: members.length,
      threads,
    };
  }

  private track(init: SupervisedData & { id: string; sandbox: string; ready: Promise<void>; child?: ChildProcess }): Container {
    let settle!: (t: ContainerTermination) => void;
    const done = new Promise<ContainerTermination>((r) => (settle = r));
    const c: Container = { ...init, killed: false, settled: false, childExited: false, done, settle };
    this.live.set(c.id, c);
    return c;
  }

  /** Settles the container if it has ended: exit file written, or supervisor and task both gone. */
  private async check(c: Container): Promise<void> {
    if (c.settled) return;
    const status = await readExitFile(c.sandbox);
    if (c.settled) return;
    if (status !== undefined) return this.finish(c, terminationOf(status, c.killed));
    if (this.supervisorAlive(c)) return;
    // The supervisor is gone without a word (killed by someone): follow the task's group instead.
    if (this.groupAlive(c.pgid)) return this.poll(c);
    const late = await readExitFile(c.sandbox);
    if (c.settled) return;
    this.finish(c, late !== undefined ? terminationOf(late, c.killed) : lostTermination("the task's supervisor died without recording how the task ended", c.killed));
  }

  private finish(c: Container, t: ContainerTermination): void {
    c.settled = true;
    this.live.delete(c.id);
    this.polled.delete(c);
    if (this.polled.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
    this.remember(c.id, t);
    c.settle(t);
  }

  private remember(id: string, t: ContainerTermination): void {
    this.ended.set(id, t);
    if (this.ended.size > this.rememberEnded) this.ended.delete(this.ended.keys().next().value!);
  }

  private poll(c: Container): void {
    this.polled.add(c);
    this.timer ??= setInterval(() => {
      for (const p of this.polled) void this.check(p);
    }, this.pollIntervalMs).unref();
  }

  private supervisorAlive(c: Container): boolean {
    if (c.child) return !c.childExited;
    const st = readProcStat(c.supervisorPid);
    return st !== undefined && st.start === c.supervisorStart && st.state !== "Z" && st.state !== "X";
  }

  /** Some process of the group still runs (zombies waiting for a reaper do not count). */
  private groupAlive(pgid: number): boolean {
    try {
      process.kill(-pgid, 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ESRCH") return false;
    }
    this.procCache = undefined;
    return this.processes().some((p) => p.pgid === pgid && p.state !== "Z" && p.state !== "X");
  }

  private signal(c: Container, sig: NodeJS.Signals): void {
    if (c.pgid <= 1 || c.pgid === this.ownPgid) return; // never the whole host, never the agent
    try {
      process.kill(-c.pgid, sig);
    } catch {
      // Already gone.
    }
  }

  private processes(): ProcStat[] {
    const now = Date.now();
    if (!this.procCache || now - this.procCache.at > 500) this.procCache = { at: now, procs: scanProcesses() };
    return this.procCache.procs;
  }

  private checkedPgid(pid: number): number {
    if (!Number.isSafeInteger(pid) || pid <= 1 || pid === this.ownPgid) throw new Error(`process containerizer: supervisor reported an impossible task pid ${pid}`);
    return pid;
  }

  /** The task's pid, as the supervisor reports it on fd 3 once the task is forked. */
  private reportedPid(child: ChildProcess, sandbox: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const pipe = child.stdio[3] as Readable;
      let buf = "";
      pipe.setEncoding("utf8");
      pipe.on("data", (d: string) => {
        buf += d;
        const nl = buf.indexOf("\n");
        if (nl >= 0) {
          resolve(Number(buf.slice(0, nl)));
          pipe.destroy();
        }
      });
      pipe.once("close", () => {
        if (!buf.includes("\n")) reject(new Error(`process containerizer: the supervisor ended before starting the task (is ${sandbox} writable? see its stderr file)`));
      });
      child.once("error", reject);
    });
  }

  private switchTo(user: string | undefined, isRoot: boolean): { uid: number; gid: number } | undefined {
    if (user === undefined || user === "" || user === userInfo().username) return undefined;
    if (!isRoot) throw new CommandError(`user: cannot run the task as "${user}": the agent runs as "${userInfo().username}", not root`);
    const u = lookupUser(user);
    if (!u) throw new CommandError(`user: "${user}" does not exist on this agent`);
    return { uid: u.uid, gid: u.gid };
  }
}

async function readExitFile(sandbox: string): Promise<number | undefined> {
  try {
    return parseExitFile(await readFile(join(sandbox, EXIT_FILE), "utf8"));
  } catch {
    return undefined;
  }
}
