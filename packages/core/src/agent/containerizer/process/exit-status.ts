import { constants } from "node:os";
import type { ContainerTermination } from "../../../hooks/containerizer.js";

const signalNames = new Map<number, string>(Object.entries(constants.signals).map(([name, n]) => [n, name]));

/**
 * The termination for a status as a shell reports it: 0–128 exit codes, 128+N death by signal N
 * (the convention of every POSIX shell, Docker and Kubernetes).
 */
export function terminationOf(status: number, killed: boolean): ContainerTermination {
  const signal = status > 128 ? signalNames.get(status - 128) : undefined;
  const message = signal ? `Command terminated by signal ${signal}` : `Command exited with status ${status}`;
  const base = { exitCode: signal ? null : status, signal: signal ?? null, message };
  if (killed) return { ...base, state: "TASK_KILLED" };
  if (status === 0) return { ...base, state: "TASK_FINISHED" };
  return { ...base, state: "TASK_FAILED", reason: "REASON_COMMAND_EXECUTOR_FAILED" };
}

/** The task is gone and nothing recorded how it ended. */
export function lostTermination(why: string, killed: boolean): ContainerTermination {
  return {
    exitCode: null,
    signal: null,
    state: killed ? "TASK_KILLED" : "TASK_FAILED",
    reason: "REASON_EXECUTOR_TERMINATED",
    message: why,
  };
}

/** Parses the supervisor's exit file: one status and a newline; undefined while not (fully) written. */
export function parseExitFile(text: string): number | undefined {
  if (!text.endsWith("\n")) return undefined;
  const status = Number(text.trim());
  return Number.isInteger(status) && status >= 0 && status <= 255 ? status : undefined;
}
