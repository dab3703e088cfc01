import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AgentHarness } from "./__fixtures__/agent-harness.js";

describe("RUN_TASK_GROUP", () => {
  let h: AgentHarness;
  beforeEach(async () => {
    h = await new AgentHarness().setUp();
  });
  afterEach(() => h.tearDown());

  it("runs every task of the group under the group's executor", async () => {
    const a = await h.start();
    h.runTaskGroup(a.agentId()!, "exec-1", [
      { id: "g1", cmd: "echo one" },
      { id: "g2", cmd: "echo two" },
    ]);
    expect((await h.waitTerminal("g1")).status.state).toBe("TASK_FINISHED");
    expect((await h.waitTerminal("g2")).status.state).toBe("TASK_FINISHED");
    expect(h.launches.map((l) => l.sandbox.includes("/executors/exec-1/runs/"))).toEqual([true, true]);
    expect(h.terminalOf("g1")!.status.executor_id).toEqual({ value: "exec-1" });
  });

  it("kills the rest of the group when one task fails", async () => {
    const a = await h.start();
    h.runTaskGroup(a.agentId()!, "exec-2", [
      { id: "fails", cmd: "sleep 0.2; exit 3" },
      { id: "waits", cmd: "sleep 30" },
    ]);
    const failed = await h.waitTerminal("fails");
    expect(failed.status).toMatchObject({ state: "TASK_FAILED" });
    expect(failed.status.message).toMatch(/3/);
    const other = await h.waitTerminal("waits");
    expect(other.status.state).toBe("TASK_KILLED");
    expect(other.status.message).toContain("task 'fails' ended with TASK_FAILED");
  });

  it("kills the whole group when one of its tasks is killed", async () => {
    const a = await h.start();
    h.runTaskGroup(a.agentId()!, "exec-3", [
      { id: "k1", cmd: "sleep 30" },
      { id: "k2", cmd: "sleep 30" },
    ]);
    await h.waitState("k1", "TASK_RUNNING");
    await h.waitState("k2", "TASK_RUNNING");
    h.kill("k1", 50);
    expect((await h.waitTerminal("k1")).status.state).toBe("TASK_KILLED");
    expect((await h.waitTerminal("k2")).status.state).toBe("TASK_KILLED");
  });

  it("refuses the whole group when one task is invalid, launching none", async () => {
    const a = await h.start();
    h.master.send({
      type: "RUN_TASK_GROUP",
      run_task_group: {
        framework_id: { value: "fw-1" },
        framework_info: { user: "nobody", name: "test" },
        executor: { executor_id: { value: "exec-4" } },
        task_group: {
          tasks: [
            { name: "ok", task_id: { value: "ok" }, agent_id: { value: a.agentId() }, resources: [{ name: "cpus", type: "SCALAR", scalar: { value: 0.1 } }], command: { value: "true" } },
            { name: "empty", task_id: { value: "empty" }, agent_id: { value: a.agentId() }, resources: [], command: { value: "true" } },
          ],
        },
      },
    });
    expect((await h.waitTerminal("ok")).status.state).toBe("TASK_ERROR");
    const empty = await h.waitTerminal("empty");
    expect(empty.status.message).toContain("run_task_group.task_group.tasks[1].resources: task uses no resources");
    expect(h.launches).toHaveLength(0);
  });
});
