import { describe, expect, it } from "vitest";
import { terminationOf } from "./termination.js";

describe("terminationOf", () => {
  it("exit 0 finishes, any other status fails with the status in the message", () => {
    expect(terminationOf({ ExitCode: 0 })).toMatchObject({ state: "TASK_FINISHED", exitCode: 0 });
    expect(terminationOf({ ExitCode: 3 })).toEqual({
      exitCode: 3,
      signal: null,
      state: "TASK_FAILED",
      reason: "REASON_COMMAND_EXECUTOR_FAILED",
      message: "Container exited with status 3",
    });
  });

  it("an OOM kill is a memory limitation, even when the agent was stopping the container", () => {
    const t = terminationOf({ ExitCode: 137, OOMKilled: true }, { killedWith: "SIGTERM", memoryLimitBytes: 16 * 1024 * 1024 });
    expect(t.state).toBe("TASK_FAILED");
    expect(t.reason).toBe("REASON_CONTAINER_LIMITATION_MEMORY");
    expect(t.message).toMatch(/memory limit of 16 MB/);
  });

  it("a container the agent stopped is killed, with the signal that ended it", () => {
    expect(terminationOf({ ExitCode: 137 }, { killedWith: "SIGKILL" })).toMatchObject({ state: "TASK_KILLED", signal: "SIGKILL" });
  });
});
