import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Containerizer } from "../hooks/index.js";
import { AgentHarness, FW } from "./__fixtures__/agent-harness.js";

describe("agent recovery after a restart", () => {
  let h: AgentHarness;
  beforeEach(async () => {
    h = await new AgentHarness().setUp();
  });
  afterEach(() => h.tearDown());

  const rereg = () => {
    const calls = h.master.calls.filter((c) => c.type === "REREGISTER");
    const last = calls[calls.length - 1];
    return last?.type === "REREGISTER" ? last : undefined;
  };

  it("reports how a task ended while the agent was down", async () => {
    const first = await h.start();
    h.runTask(first.agentId()!, "brief", { command: { value: "sleep 0.3; exit 4" } });
    await h.waitState("brief", "TASK_RUNNING");
    const pid = first.agent.tasks.all()[0]!.pid!;
    await h.crash(first);
    await h.master.waitFor(() => {
      try {
        process.kill(pid, 0);
        return false;
      } catch {
        return true;
      }
    }, 5000, "the task to exit");

    await h.start();
    const end = await h.waitTerminal("brief");
    expect(end.status.state).toBe("TASK_FAILED");
    expect(end.status.message).toMatch(/status 4/);
    expect(h.master.statesOf("brief")).toEqual(["TASK_STARTING", "TASK_RUNNING", "TASK_FAILED"]);
  });

  it("re-sends an unacknowledged terminal update after the restart, then forgets the task", async () => {
    h.master.autoAck = false;
    const first = await h.start();
    h.runTask(first.agentId()!, "quick", { command: { value: "true" } });
    // Without acknowledgements only the head of the stream (TASK_STARTING) is ever sent.
    await h.waitState("quick", "TASK_STARTING");
    await h.master.waitFor(() => first.agent.tasks.all()[0]?.terminated, 5000, "the task to end");
    const starting = h.master.updates.find((u) => u.status.task_id.value === "quick")!;
    await h.crash(first);

    h.master.autoAck = true;
    const second = await h.start();
    await h.master.waitFor(() => rereg(), 5000, "REREGISTER");
    expect(rereg()!.reregister.tasks[0]).toMatchObject({
      task_id: { value: "quick" },
      state: "TASK_FINISHED",
      status_update_state: "TASK_STARTING",
      status_update_uuid: starting.status.uuid,
    });
    await h.waitTerminal("quick");
    expect(h.master.statesOf("quick")).toEqual(["TASK_STARTING", "TASK_RUNNING", "TASK_FINISHED"]);
    await h.master.waitFor(() => second.agent.tasks.all().length === 0, 5000, "the task to be forgotten");
    // Its checkpoint goes right after it leaves the table.
    let journal = "";
    await h.master.waitFor(() => {
      void readFile(join(h.workDir, "meta", "journal.jsonl"), "utf8").then((text) => (journal = text));
      return journal.includes(JSON.stringify({ type: "TASK_REMOVED", framework_id: FW, task_id: "quick" }));
    }, 5000, "the task checkpoint to be removed");
  });

  it("reports TASK_LOST for a container whose containerizer is gone after the restart", async () => {
    const fake: Containerizer = {
      name: "vanishing",
      launch: async () => ({ data: {} }),
      wait: () => new Promise(() => undefined),
      destroy: async () => undefined,
      recover: async () => [],
    };
    const first = await h.start();
    first.hooks.containerization.selectContainerizer.tapPromise("v", async () => fake);
    h.runTask(first.agentId()!, "orphan", { command: { value: "sleep 30" } });
    await h.waitState("orphan", "TASK_RUNNING");
    await h.crash(first);

    await h.start();
    const end = await h.waitTerminal("orphan");
    expect(end.status).toMatchObject({ state: "TASK_LOST", reason: "REASON_EXECUTOR_TERMINATED", source: "SOURCE_AGENT" });
    expect(end.status.message).toContain("containerizer 'vanishing'");
  });

  it("fails a task whose launch the restart interrupted", async () => {
    const first = await h.start();
    first.hooks.isolation.prepare.tapPromise("stuck", () => new Promise(() => undefined));
    h.runTask(first.agentId()!, "midway", { command: { value: "true" } });
    await h.master.waitFor(() => first.agent.tasks.all()[0]?.sandbox, 5000, "the sandbox");
    await h.crash(first);

    await h.start();
    const end = await h.waitTerminal("midway");
    expect(end.status).toMatchObject({ state: "TASK_FAILED", reason: "REASON_AGENT_RESTARTED" });
    expect(h.launches).toHaveLength(0);
  });
});
