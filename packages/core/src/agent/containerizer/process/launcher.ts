import { spawn, type ChildProcess } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import { LAUNCHER_SOURCE } from "./launcher-script.js";
import type { SpawnAddon } from "./spawn-addon.js";
import { EXIT_FILE, launchRequest, SUPERVISOR_NAME, type TaskExec } from "./supervisor.js";

/** What the launcher reports once the task is started. */
export interface Started {
  taskPid: number;
  supervisorPid: number;
  /** Start times (clock ticks after boot) as the launcher read them; the task's is missing if it was already gone. */
  supervisorStart: number;
  taskStart?: number;
}

interface Pending {
  resolve(s: Started): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * Talks to the launcher (see LAUNCHER_SOURCE): sends launch requests, matches its reports to them,
 * and passes on each "the task ended" report. Starts a new launcher for new tasks if it dies.
 */
export class Launcher {
  private child: ChildProcess | undefined;
  private seq = 0;
  private readonly pending = new Map<number, Pending>();

  constructor(
    /** The launcher reported a task's end (by request id) and the status it wrote to the exit file. */
    private readonly onEnded: (id: number, status: number) => void,
    /** The launcher answered a request nobody waits for any more: the task's process group. */
    private readonly onStray: (taskPid: number) => void,
    /** True while containers launched through us run: their end is reported over our pipe. */
    private readonly busy: () => boolean,
    /** The launcher (pid) died: the tasks it supervised will not report their end. */
    private readonly onGone: (launcherPid: number) => void,
    /** The posix_spawn addon the launcher starts tasks with; without it, it fork()s them. */
    private readonly addon: SpawnAddon,
    /** Something operators should know: the launcher could not load the addon. */
    private readonly warn: (message: string) => void,
    private readonly startTimeoutMs = 60_000,
  ) {}

  /** Asks for a task to be started; returns the request id (for onEnded) and when the task started. */
  start(sandbox: string, run: TaskExec): { id: number; started: Promise<Started> } {
    const id = ++this.seq;
    const started = new Promise<Started>((resolve, reject) => {
      const timer = setTimeout(() => this.fail(id, `no supervisor answered within ${this.startTimeoutMs} ms`), this.startTimeoutMs);
      timer.unref();
      this.pending.set(id, { resolve, reject, timer });
    });
    const stdin = this.launcher().stdin as Writable;
    // Requests of one turn (one ACCEPT's tasks) go in one write, so the launcher starts them as a
    // batch and answers them together.
    if (!stdin.writableCorked) {
      stdin.cork();
      process.nextTick(() => stdin.uncork());
    }
    stdin.write(`${launchRequest(id, sandbox, run)}\n`);
    this.holdOpen();
    return { id, started };
  }

  /** Lets go of the launcher: it keeps supervising the tasks it started until they end. */
  close(): void {
    this.child?.stdin?.end();
    (this.child?.stdio[3] as (Readable & { unref?: () => void }) | undefined)?.unref?.();
  }

  /**
   * Unanswered requests and running containers keep the process alive, as any pending I/O does;
   * an idle launcher does not. Call when `busy` may have changed.
   */
  holdOpen(): void {
    const reports = this.child?.stdio[3] as (Readable & { ref?: () => void; unref?: () => void }) | undefined;
    if (this.pending.size > 0 || this.busy()) reports?.ref?.();
    else reports?.unref?.();
  }

  private launcher(): ChildProcess {
    if (this.child) return this.child;
    // Node itself, without the agent's loader or options: the launcher's program is plain CommonJS.
    // Forking tasks, it runs interpreted with a 1 MB young generation: it touches fewer pages between
    // forks, so each fork costs fewer copy-on-write faults (8.2 instead of 10.7 ms CPU per task
    // measured here). posix_spawn copies no pages: with the addon these options made no difference
    // within the noise (launcher 1.0-2.5 ms CPU per task either way).
    const options = this.addon.path === undefined ? ["--jitless", "--max-semi-space-size=1"] : [];
    const child = spawn(process.execPath, [...options, "-e", LAUNCHER_SOURCE, EXIT_FILE, this.addon.path ?? ""], {
      argv0: SUPERVISOR_NAME,
      detached: true,
      env: {},
      stdio: ["pipe", "ignore", "ignore", "pipe"],
    });
    child.unref();
    const reports = child.stdio[3] as Readable & { unref?: () => void };
    reports.unref?.();
    (child.stdin as Writable & { unref?: () => void }).unref?.();
    child.stdin!.on("error", () => undefined); // a dead launcher: handled on exit
    let buf = "";
    reports.setEncoding("utf8");
    reports.on("data", (d: string) => {
      buf += d;
      let nl: number;
      while ((nl = buf.indexOf("\n")) >= 0) {
        this.report(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
      }
    });
    const gone = (why: string) => {
      if (this.child !== child) return;
      this.child = undefined;
      // Requests it had not forked yet get no answer: fail them after a moment for late reports.
      const waiting = [...this.pending.keys()];
      setTimeout(() => waiting.forEach((id) => this.fail(id, `the launcher ${why}`)), 1000).unref();
      if (child.pid !== undefined) this.onGone(child.pid);
    };
    child.on("error", (e) => gone(`failed: ${e.message}`));
    child.on("exit", (code, signal) => gone(`exited (${signal ?? code})`));
    this.child = child;
    return child;
  }

  private report(line: string): void {
    const [idText, a, b, c, d] = line.split(" ");
    if (idText === "warn") {
      this.warn(`process containerizer: ${line.slice(5)}; starting tasks by fork() (slower)`);
      return;
    }
    const id = Number(idText);
    if (a === "exit") {
      this.onEnded(id, Number(b));
      return;
    }
    const p = this.pending.get(id);
    if (a === "!") {
      if (p) this.fail(id, line.slice(line.indexOf("!") + 2));
      return;
    }
    const started: Started = { taskPid: Number(a), supervisorPid: Number(b), supervisorStart: Number(c) || 0 };
    if (d) started.taskStart = Number(d);
    if (!p) {
      this.onStray(started.taskPid);
      return;
    }
    clearTimeout(p.timer);
    this.pending.delete(id);
    this.holdOpen();
    p.resolve(started);
  }

  private fail(id: number, why: string): void {
    const p = this.pending.get(id);
    if (!p) return;
    clearTimeout(p.timer);
    this.pending.delete(id);
    this.holdOpen();
    p.reject(new Error(`process containerizer: ${why}`));
  }
}
