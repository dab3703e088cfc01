import { statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { userInfo } from "node:os";
import { join } from "node:path";
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
import { Launcher } from "./launcher.js";
import { findSpawnAddon, type SpawnAddon } from "./spawn-addon.js";
import { EXIT_FILE, taskChain } from "./supervisor.js";
import { findTools, type Tools } from "./tools.js";

export interface ProcessContainerizerOptions {
  /** How often recovered containers (whose supervisors cannot report to us) are checked, ms. Default 250. */
  pollIntervalMs?: number;
  /** How often every container is checked for a supervisor killed before it could report, ms. Default 10 000. */
  sweepIntervalMs?: number;
  /** Paths of host programs; found in PATH by default. */
  tools?: Partial<Tools>;
  /** Ended containers remembered for late wait()/destroy() calls. Default 10 000. */
  rememberEnded?: number;
  /**
   * Path of @tessera/spawn-native's addon, with which the launcher starts tasks by posix_spawn;
   * false to fork() them instead. Default: the installed package's addon, if it was built.
   */
  spawnAddon?: string | false;
  /** Where operator warnings go (each message once per process). Default: process.emitWarning. */
  warn?: (message: string) => void;
}

const warned = new Set<string>();

/** What launch returns as `data`, checkpointed by the agent and handed back to recover(). */
const SupervisedData = z.object({
  supervisorPid: z.number().int().gt(1),
  /** Clock ticks after boot: a later process with the same pid is not our supervisor. */
  supervisorStart: z.number().int().nonnegative(),
  /** The task's process group (its pid: setsid made it the leader). */
  pgid: z.number().int().gt(1),
  /** The leader's start time, when it was still there to read: a later group with the same id is not ours. */
  taskStart: z.number().int().nonnegative().optional(),
  bootId: z.string().min(1),
});
type SupervisedData = z.infer<typeof SupervisedData>;

interface Container extends SupervisedData {
  id: string;
  sandbox: string;
  killed: boolean;
  settled: boolean;
  /** The launcher request that started it (containers launched by this instance). */
  request?: number;
  /** The status its supervisor reported over the launcher's pipe (written to EXIT_FILE before that). */
  reported?: number;
  ready: Promise<void>;
  done: Promise<ContainerTermination>;
  settle(t: ContainerTermination): void;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Runs each task as plain processes, started and supervised by one small launcher process that
 * survives the agent (see LAUNCHER_SOURCE): stdout and stderr go to files in the sandbox, the task's
 * exit status to EXIT_FILE there. The task has its own process group; destroy signals the whole group.
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
  private readonly byRequest = new Map<number, Container>();
  private readonly launcher: Launcher;
  private timer: NodeJS.Timeout | undefined;
  private readonly sweeper: NodeJS.Timeout;
  private procCache: { at: number; procs: ProcStat[] } | undefined;
  private closed = false;

  constructor(options: ProcessContainerizerOptions = {}) {
    this.tools = findTools(options.tools);
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.rememberEnded = options.rememberEnded ?? 10_000;
    const addon: SpawnAddon =
      options.spawnAddon === false ? { why: "turned off" } : options.spawnAddon !== undefined ? { path: options.spawnAddon } : findSpawnAddon();
    const warnOnce = (message: string) => {
      if (warned.has(message)) return;
      warned.add(message);
      if (options.warn) options.warn(message);
      else process.emitWarning(message);
    };
    if (addon.path === undefined && options.spawnAddon !== false) warnOnce(`process containerizer: ${addon.why}; starting tasks by fork() (slower)`);
    this.launcher = new Launcher(
      (id, status) => {
        const c = this.byRequest.get(id);
        if (!c || !Number.isInteger(status)) return;
        c.reported = status;
        void this.check(c);
      },
      (strayPid) => this.signal(strayPid, "SIGKILL"),
      () => this.byRequest.size > 0,
      // Its tasks may outlive it: follow their process groups from now on.
      (launcherPid) => {
        for (const c of this.live.values()) if (c.supervisorPid === launcherPid) void this.check(c);
      },
      addon,
      warnOnce,
    );
    this.sweeper = setInterval(() => {
      // Containers share their launcher: read its /proc entry once per sweep, not once per container.
      const alive = new Map<string, boolean>();
      for (const c of this.live.values()) {
        if (c.pgid === 0 || this.polled.has(c)) continue;
        const key = `${c.supervisorPid}:${c.supervisorStart}`;
        if (!alive.has(key)) alive.set(key, this.supervisorAlive(c));
        if (!alive.get(key)) void this.check(c);
      }
    }, options.sweepIntervalMs ?? 10_000).unref();
  }

  /**
   * Stops the launcher and timers, so nothing of this containerizer keeps the process alive; tasks
   * and their supervisors keep running (an agent shutting down, to be recovered by the next one).
   */
  close(): void {
    this.closed = true;
    this.launcher.close();
    clearInterval(this.sweeper);
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  async launch(l: ContainerLaunch): Promise<{ pid?: number; data?: Record<string, unknown> }> {
    const id = l.containerId;
    if (this.live.has(id) || this.ended.has(id)) throw new Error(`process containerizer: container "${id}" already exists`);
    const cmd = taskCommand(l, this.tools.sh);
    if (!isDirectory(l.sandbox)) {
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
      env: cmd.env,
      mounts,
      ...(l.plan.netnsPath !== undefined ? { netnsPath: l.plan.netnsPath } : {}),
      ...(l.plan.wrapper && l.plan.wrapper.length > 0 ? { wrapper: l.plan.wrapper } : {}),
      ...(user ? { user } : {}),
    });

    const { id: request, started } = this.launcher.start(l.sandbox, chain);
    let markReady!: () => void;
    let failReady!: (e: unknown) => void;
    const c = this.track({
      id,
      sandbox: l.sandbox,
      supervisorPid: 0,
      supervisorStart: 0,
      pgid: 0,
      bootId: this.boot,
      ready: new Promise<void>((res, rej) => {
        markReady = res;
        failReady = rej;
      }),
    });
    c.ready.catch(() => undefined);
    c.request = request;
    this.byRequest.set(request, c);
    try {
      const s = await started;
      c.pgid = this.checkedPgid(s.taskPid);
      c.supervisorPid = s.supervisorPid;
      c.supervisorStart = s.supervisorStart;
      if (s.taskStart !== undefined) c.taskStart = s.taskStart;
      markReady();
      // The task may have ended (and been reported) before we knew its group.
      if (c.reported !== undefined) void this.check(c);
      const data: SupervisedData = { supervisorPid: c.supervisorPid, supervisorStart: c.supervisorStart, pgid: c.pgid, bootId: this.boot };
      if (c.taskStart !== undefined) data.taskStart = c.taskStart;
      return { pid: c.pgid, data };
    } catch (err) {
      failReady(err);
      this.live.delete(id);
      this.byRequest.delete(request);
      this.launcher.holdOpen();
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
        await this.check(c);
      }
    };
    this.signal(c.pgid, "SIGTERM");
    await until(Date.now() + Math.max(0, gracePeriodMs));
    if (!c.settled) {
      this.signal(c.pgid, "SIGKILL");
      await until(Infinity);
    }
    // The supervisor killed what was left; wait until the kernel has them all gone.
    for (let i = 0; i < 400 && this.groupAlive(c.pgid); i++) {
      this.signal(c.pgid, "SIGKILL");
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
      if (this.supervisorAlive(c) || (this.groupIsOurs(c) && this.groupAlive(c.pgid))) {
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
    const inGroup = (procs: ProcStat[]) => procs.filter((p) => p.pgid === c.pgid && p.state !== "Z");
    // The shared scan may predate this task's first process: a live container with no members means rescan.
    let members = inGroup(this.processes());
    if (members.length === 0) {
      this.procCache = { at: Date.now(), procs: scanProcesses() };
      members = inGroup(this.procCache.procs);
    }
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

  private track(init: SupervisedData & { id: string; sandbox: string; ready: Promise<void> }): Container {
    let settle!: (t: ContainerTermination) => void;
    const done = new Promise<ContainerTermination>((r) => (settle = r));
    const c: Container = { ...init, killed: false, settled: false, done, settle };
    this.live.set(c.id, c);
    return c;
  }

  /** Settles the container if it has ended: exit file written, or supervisor and task both gone. */
  private async check(c: Container): Promise<void> {
    if (c.settled || c.pgid === 0) return;
    if (c.reported !== undefined) return this.finish(c, terminationOf(c.reported, c.killed));
    const status = await readExitFile(c.sandbox);
    if (c.settled) return;
    if (status !== undefined) return this.finish(c, terminationOf(status, c.killed));
    if (this.supervisorAlive(c)) return;
    // The supervisor is gone without a word (killed by someone): follow the task's group instead.
    if (this.groupIsOurs(c) && this.groupAlive(c.pgid)) return this.poll(c);
    const late = await readExitFile(c.sandbox);
    if (c.settled) return;
    this.finish(c, late !== undefined ? terminationOf(late, c.killed) : lostTermination("the task's supervisor died without recording how the task ended", c.killed));
  }

  private finish(c: Container, t: ContainerTermination): void {
    c.settled = true;
    this.live.delete(c.id);
    if (c.request !== undefined && this.byRequest.delete(c.request) && !this.closed) this.launcher.holdOpen();
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

  // Keeps the process alive while it polls, as waiting on I/O would; close() stops it.
  private poll(c: Container): void {
    if (this.closed) return;
    this.polled.add(c);
    this.timer ??= setInterval(() => {
      for (const p of this.polled) void this.check(p);
    }, this.pollIntervalMs);
  }

  private supervisorAlive(c: Container): boolean {
    const st = readProcStat(c.supervisorPid);
    return st !== undefined && st.start === c.supervisorStart && st.state !== "Z" && st.state !== "X";
  }

  /**
   * Whether the group id still names the task's group. While any member lives the kernel does not
   * reuse the id; only a leader with another start time is a later process that got the same pid.
   */
  private groupIsOurs(c: Container): boolean {
    const leader = readProcStat(c.pgid);
    if (!leader) return true;
    return leader.pgid === c.pgid && (c.taskStart === undefined ? this.supervisorAlive(c) : leader.start === c.taskStart);
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

  private signal(pgid: number, sig: NodeJS.Signals): void {
    if (!Number.isSafeInteger(pgid) || pgid <= 1 || pgid === this.ownPgid) return; // never the whole host, never the agent
    try {
      process.kill(-pgid, sig);
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

  private switchTo(user: string | undefined, isRoot: boolean): { uid: number; gid: number } | undefined {
    if (user === undefined || user === "" || user === userInfo().username) return undefined;
    if (!isRoot) throw new CommandError(`user: cannot run the task as "${user}": the agent runs as "${userInfo().username}", not root`);
    const u = lookupUser(user);
    if (!u) throw new CommandError(`user: "${user}" does not exist on this agent`);
    return { uid: u.uid, gid: u.gid };
  }
}

// Synchronous: a stat of a directory just made costs less than a trip to the thread pool.
function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

async function readExitFile(sandbox: string): Promise<number | undefined> {
  try {
    return parseExitFile(await readFile(join(sandbox, EXIT_FILE), "utf8"));
  } catch {
    return undefined;
  }
}
