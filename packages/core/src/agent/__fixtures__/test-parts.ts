// A stand-in for the process containerizer, for agent tests only:
// small enough to read at a glance, real processes and real files.
import { spawn } from "node:child_process";
import { open } from "node:fs/promises";
import { join } from "node:path";
import type { Containerizer, ContainerLaunch, ContainerTermination, RecoveredContainer } from "../../hooks/index.js";

export class TestProcessContainerizer implements Containerizer {
  readonly name = "process";
  readonly launches: ContainerLaunch[] = [];
  private readonly ends = new Map<string, Promise<ContainerTermination>>();
  private readonly pids = new Map<string, number>();

  async launch(l: ContainerLaunch): Promise<{ pid?: number; data?: Record<string, unknown> }> {
    this.launches.push(l);
    const out = await open(join(l.sandbox, "stdout"), "a");
    const err = await open(join(l.sandbox, "stderr"), "a");
    const child = spawn("/bin/sh", ["-c", String(l.task.command?.value ?? "")], {
      cwd: l.sandbox,
      env: l.plan.env,
      stdio: ["ignore", out.fd, err.fd],
      detached: true,
    });
    // Listen before any await: a short command may exit while the files close.
    const ended = new Promise<ContainerTermination>((res) =>
      child.on("exit", (code, signal) =>
        res({
          exitCode: code,
          signal,
          state: code === 0 ? "TASK_FINISHED" : signal ? "TASK_KILLED" : "TASK_FAILED",
          message: signal ? `Command terminated with signal ${signal}` : `Command exited with status ${code}`,
          ...(code !== 0 && !signal ? { reason: "REASON_COMMAND_EXECUTOR_FAILED" } : {}),
        }),
      ),
    );
    child.unref();
    const pid = child.pid!;
    this.pids.set(l.containerId, pid);
    this.ends.set(l.containerId, ended);
    await out.close();
    await err.close();
    return { pid };
  }

  wait(containerId: string): Promise<ContainerTermination> {
    const p = this.ends.get(containerId);
    if (!p) return Promise.reject(new Error(`unknown container ${containerId}`));
    return p;
  }

  async destroy(containerId: string, gracePeriodMs: number): Promise<void> {
    const pid = this.pids.get(containerId);
    if (!pid) return;
    try {
      process.kill(-pid, "SIGTERM");
    } catch {
      return;
    }
    setTimeout(() => {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        /* gone */
      }
    }, gracePeriodMs).unref();
  }

  async recover(known: Array<{ containerId: string; pid?: number }>): Promise<RecoveredContainer[]> {
    return known.map((k) => {
      if (k.pid === undefined || !alive(k.pid)) {
        return { containerId: k.containerId, running: false, termination: { exitCode: null, signal: null, state: "TASK_FAILED", message: "ended while the agent was down" } };
      }
      const pid = k.pid;
      this.pids.set(k.containerId, pid);
      this.ends.set(
        k.containerId,
        new Promise((res) => {
          const t = setInterval(() => {
            if (alive(pid)) return;
            clearInterval(t);
            res({ exitCode: null, signal: null, state: "TASK_KILLED", message: "Command terminated" });
          }, 20);
        }),
      );
      return { containerId: k.containerId, running: true };
    });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
