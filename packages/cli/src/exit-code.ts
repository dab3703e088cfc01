import type { TaskStatus } from "@tessera/sdk";

/**
 * The process exit code a finished task stands for: 0 for TASK_FINISHED, the command's own status
 * when the agent reports it ("Command exited with status 3"), 128+N for a signal, else 1.
 */
export function exitCodeOf(status: TaskStatus): number {
  if (status.state === "TASK_FINISHED") return 0;
  const message = status.message ?? "";
  const exited = /exit(?:ed)?(?: with)? (?:status|code) (\d+)/i.exec(message);
  if (exited) return Number(exited[1]) || 1;
  const signal = /signal (\d+)/i.exec(message);
  if (signal) return 128 + Number(signal[1]);
  return 1;
}
