import type { ContainerTermination } from "@tessera/core";

/** The parts of an Engine container State that say how it ended. */
export interface EngineState {
  ExitCode?: number;
  OOMKilled?: boolean;
  Error?: string;
}

const MB = 1024 * 1024;

/**
 * How a container ended, as the agent reports it. `killedWith` is the signal the containerizer
 * sent to stop it; an OOM kill wins over everything else because it is what the framework must
 * act on (REASON_CONTAINER_LIMITATION_MEMORY).
 */
export function terminationOf(state: EngineState, ctx: { killedWith?: string; memoryLimitBytes?: number } = {}): ContainerTermination {
  const exitCode = typeof state.ExitCode === "number" ? state.ExitCode : null;
  if (state.OOMKilled) {
    const limit = ctx.memoryLimitBytes ? ` of ${Math.round(ctx.memoryLimitBytes / MB)} MB` : "";
    return {
      exitCode,
      signal: "SIGKILL",
      state: "TASK_FAILED",
      reason: "REASON_CONTAINER_LIMITATION_MEMORY",
      message: `Memory limit exceeded: the container reached its memory limit${limit} and was OOM-killed`,
    };
  }
  if (ctx.killedWith) {
    return { exitCode, signal: ctx.killedWith, state: "TASK_KILLED", message: `Container stopped with ${ctx.killedWith}, exit status ${exitCode}` };
  }
  if (state.Error) {
    return { exitCode, signal: null, state: "TASK_FAILED", reason: "REASON_CONTAINER_LAUNCH_FAILED", message: `Container failed: ${state.Error}` };
  }
  if (exitCode === 0) return { exitCode, signal: null, state: "TASK_FINISHED", message: "Container exited with status 0" };
  return { exitCode, signal: null, state: "TASK_FAILED", reason: "REASON_COMMAND_EXECUTOR_FAILED", message: `Container exited with status ${exitCode}` };
}
