import { spawn, type ChildProcess } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import { LAUNCHER_SCRIPT, SUPERVISOR_NAME, supervisorRequest } from "./supervisor.js";

/** What a supervisor reports once the task is forked. */
export interface Started {
  taskPid: number;
  supervisorPid: number;
  /** Start times (clock ticks after boot) as the supervisor read them; the task's is missing if it was already gone. */
  supervisorStart: number;
  taskStart?: number;
}

interface Pending {
  resolve(s: Started): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * Talks to the launcher shell (see LAUNCHER_SCRIPT): sends supervisor requests, matches the
 * supervisors' reports to them, and passes on each "the task ended" report. Restarts the launcher
 * if it dies; supervisors already forked are not affected by that.
 */
export class Launcher {
  private child: ChildProcess | undefined;
  private seq = 0;
  private readonly pending = new Map<number, Pending>();
  private reapTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sh: string,
    /** A supervisor reported its task's end (by request id) and the status it wrote to the exit file. */
    private readonly onEnded: (id: number, status: number) => void,
    /** A supervisor answered a request nobody waits for any more: its task's process group. */
    private readonly onStray: (taskPid: number) => void,
    /** True while containers launched through us run: their end is reported over our pipe. */
    private readonly busy: () => boolean,
    private readonly startTimeoutMs = 60_000,
  ) {}

  /** Asks for a supervisor; returns the request id (for onEnded) and when the task started. */
  start(sandbox: string, chain: string[]): { id: number; started: Promise<Started> } {
    const id = ++this.seq;
    const started = new Promise<Started>((resolve, reject) => {
      const timer = setTimeout(() => this.fail(id, `no supervisor answered within ${this.startTimeoutMs} ms`), this.startTimeoutMs);
      timer.unref();
      this.pending.set(id, { resolve, reject, timer });
    });
    (this.launcher().stdin as Writable).write(`${supervisorRequest(id, sandbox, chain)}\n`);
    this.holdOpen();
    return { id, started };
  }

  /** Stops the launcher (supervisors keep running). */
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
    const child = spawn(this.sh, ["-c", LAUNCHER_SCRIPT], {
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
    };
    child.on("error", (e) => gone(`failed: ${e.message}`));
    child.on("exit", (code, signal) => gone(`exited (${signal ?? code})`));
    this.child = child;
    return child;
  }

  private report(line: string): void {
    const [idText, a, b, c, d] = line.split(" ");
    const id = Number(idText);
    if (a === "exit") {
      this.onEnded(id, Number(b));
      this.scheduleReap();
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

  // A supervisor that just reported is about to exit; an empty request makes the launcher reap it.
  private scheduleReap(): void {
    this.reapTimer ??= setTimeout(() => {
      this.reapTimer = undefined;
      this.child?.stdin?.write("\n");
    }, 100).unref();
  }
}
