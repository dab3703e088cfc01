// Task health checks end to end: a real agent runs the check beside a real task and the
// framework hears about it in status updates; a task that keeps failing is killed.
import { afterEach, describe, expect, it } from "vitest";
import { FaultCluster, taskProcesses } from "./harness.js";

let cluster: FaultCluster | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
}, 60_000);

describe("task health checks through a real agent", () => {
  it("reports healthy, then unhealthy, then kills the task after its consecutive failures", async () => {
    cluster = await FaultCluster.start({ agents: 1, agentResources: "cpus:1;mem:512" });
    // Healthy while the file exists in its sandbox; the task removes it after 2 s. The grace
    // period covers a check that runs before the task created it.
    const fw = await cluster.framework({
      name: "health",
      tasks: 1,
      prefix: "h-",
      command: "touch ok; sleep 2; rm ok; sleep 3600",
      healthCheck: { type: "COMMAND", command: { value: "test -f ok" }, delay_seconds: 0, interval_seconds: 0.2, timeout_seconds: 2, grace_period_seconds: 1, consecutive_failures: 3 },
    });
    const killed = await fw.until((ls) => ls.find((l) => l.type === "UPDATE" && l.update.status.state === "TASK_KILLED"), 30_000, "unhealthy task killed");
    const running = fw.updates().filter((s) => s.state === "TASK_RUNNING");
    expect(running.map((s) => s.healthy)).toEqual([undefined, true, false]);
    expect(running.slice(1).map((s) => s.reason)).toEqual(["REASON_TASK_HEALTH_CHECK_STATUS_UPDATED", "REASON_TASK_HEALTH_CHECK_STATUS_UPDATED"]);
    expect(running[2]!.message).toContain("command check exited with status 1");
    expect(killed.update.status).toMatchObject({ reason: "REASON_TASK_HEALTH_CHECK_STATUS_UPDATED", message: expect.stringContaining("3 consecutive health checks") });
    expect(taskProcesses().get(`${fw.frameworkId}/h-0`) ?? 0).toBe(0);
  }, 90_000);
});
