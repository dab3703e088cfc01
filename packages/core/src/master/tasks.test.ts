import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type * as m from "../api/mesos/index.js";
import { MemorySink } from "./event-sink.js";
import { newStatusUuid } from "./task-status.js";
import { addAgent, agentEventsOf, eventsOf, makeMaster, offersOf, subscribe, type Kit } from "./test-kit.js";

const scalar = (name: string, value: number) => ({ name, type: "SCALAR", scalar: { value } }) as m.Resource;

describe("tasks and status updates", () => {
  let kit: Kit;
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    kit?.master.stop();
    vi.useRealTimers();
  });

  async function launched(frameworkInfo: Partial<m.FrameworkInfo> = {}) {
    kit = makeMaster({ statusUpdateRetryMinMs: 1000, statusUpdateRetryMaxMs: 8000 });
    const agent = await addAgent(kit);
    const fw = await subscribe(kit, frameworkInfo);
    kit.master.allocate();
    const [offer] = offersOf(fw.sink);
    const info = { name: "t1", task_id: { value: "t1" }, agent_id: { value: agent.agentId }, resources: [scalar("cpus", 2), scalar("mem", 128)], command: { value: "sleep 1" } } as m.TaskInfo;
    await kit.master.schedulerCall(
      { type: "ACCEPT", framework_id: { value: fw.frameworkId }, accept: { offer_ids: [offer!.id], operations: [{ type: "LAUNCH", launch: { task_infos: [info] } }], filters: { refuse_seconds: 0 } } },
      fw.streamId,
    );
    const update = (state: m.TaskState, uuid = newStatusUuid()) =>
      kit.master.agentCall({
        type: "STATUS_UPDATE",
        agent_id: { value: agent.agentId },
        status_update: { framework_id: { value: fw.frameworkId }, status: { task_id: { value: "t1" }, state, source: "SOURCE_EXECUTOR", uuid } },
      });
    const ack = (uuid: string) =>
      kit.master.schedulerCall(
        { type: "ACKNOWLEDGE", framework_id: { value: fw.frameworkId }, acknowledge: { agent_id: { value: agent.agentId }, task_id: { value: "t1" }, uuid } },
        fw.streamId,
      );
    return { agent, fw, update, ack, task: () => kit.master.frameworks.get(fw.frameworkId)?.tasks.get("t1") };
  }

  it("forwards an agent's update to the framework and the acknowledgement back to the agent", async () => {
    const { agent, fw, update, ack, task } = await launched();
    const uuid = newStatusUuid();
    await update("TASK_RUNNING", uuid);
    expect(task()!.state).toBe("TASK_RUNNING");
    expect(eventsOf(fw.sink, "UPDATE").map((e) => e.update.status)).toMatchObject([{ state: "TASK_RUNNING", uuid, agent_id: { value: agent.agentId } }]);
    await ack(uuid);
    expect(agentEventsOf(agent.sink, "STATUS_UPDATE_ACKNOWLEDGEMENT").map((e) => e.status_update_acknowledgement)).toEqual([
      { agent_id: { value: agent.agentId }, framework_id: { value: fw.frameworkId }, task_id: { value: "t1" }, uuid },
    ]);
  });

  it("re-sends an unacknowledged update with back-off, and stops once acknowledged", async () => {
    const { fw, update, ack } = await launched();
    const uuid = newStatusUuid();
    await update("TASK_RUNNING", uuid);
    vi.advanceTimersByTime(1000);
    vi.advanceTimersByTime(2000);
    expect(eventsOf(fw.sink, "UPDATE")).toHaveLength(3);
    await ack(uuid);
    vi.advanceTimersByTime(60_000);
    expect(eventsOf(fw.sink, "UPDATE").filter((e) => e.update.status.uuid === uuid)).toHaveLength(3);
  });

  it("takes a batch of updates as that many single updates, in order", async () => {
    const { agent, fw, task } = await launched();
    const running = newStatusUuid();
    const finished = newStatusUuid();
    const status = (state: m.TaskState, uuid: string) => ({ framework_id: { value: fw.frameworkId }, status: { task_id: { value: "t1" }, state, source: "SOURCE_EXECUTOR" as const, uuid } });
    await kit.master.agentCall({ type: "STATUS_UPDATES", agent_id: { value: agent.agentId }, status_updates: { updates: [status("TASK_RUNNING", running), status("TASK_FINISHED", finished)] } });
    expect(task()!.state).toBe("TASK_FINISHED");
    expect(task()!.statuses.map((s) => s.state)).toEqual(["TASK_RUNNING", "TASK_FINISHED"]);
    expect(eventsOf(fw.sink, "UPDATE").map((e) => e.update.status.uuid)).toContain(running);
  });

  it("returns a finished task's resources and keeps it until its update is acknowledged", async () => {
    const { fw, update, ack, task } = await launched();
    const uuid = newStatusUuid();
    await update("TASK_FINISHED", uuid);
    expect(task()!.state).toBe("TASK_FINISHED");
    kit.master.allocate();
    const offers = offersOf(fw.sink);
    expect(offers.at(-1)!.resources!.find((r) => r.name === "cpus")?.scalar?.value).toBe(4);
    await ack(uuid);
    expect(task()).toBeUndefined();
    expect(kit.master.frameworks.get(fw.frameworkId)!.completedTasks.map((t) => t.id)).toEqual(["t1"]);
  });

  it("asks the agent to kill a task, and answers a kill of an unknown task", async () => {
    const { agent, fw } = await launched();
    await kit.master.schedulerCall({ type: "KILL", framework_id: { value: fw.frameworkId }, kill: { task_id: { value: "t1" } } }, fw.streamId);
    expect(agentEventsOf(agent.sink, "KILL_TASK").map((e) => e.kill_task.task_id.value)).toEqual(["t1"]);
    await kit.master.schedulerCall({ type: "KILL", framework_id: { value: fw.frameworkId }, kill: { task_id: { value: "nope" } } }, fw.streamId);
    expect(eventsOf(fw.sink, "UPDATE").at(-1)!.update.status).toMatchObject({ task_id: { value: "nope" }, state: "TASK_LOST" });
  });

  it("reconciles implicitly (all tasks) and explicitly (unknown tasks by what is known of their agent)", async () => {
    const { agent, fw, update } = await launched({ capabilities: [{ type: "PARTITION_AWARE" }] });
    await update("TASK_RUNNING");
    const before = eventsOf(fw.sink, "UPDATE").length;
    await kit.master.schedulerCall({ type: "RECONCILE", framework_id: { value: fw.frameworkId }, reconcile: { tasks: [] } }, fw.streamId);
    const implicit = eventsOf(fw.sink, "UPDATE").slice(before).map((e) => e.update.status);
    expect(implicit).toMatchObject([{ task_id: { value: "t1" }, state: "TASK_RUNNING", reason: "REASON_RECONCILIATION" }]);
    expect(implicit[0]!.uuid).toBeUndefined();

    await kit.master.schedulerCall(
      {
        type: "RECONCILE",
        framework_id: { value: fw.frameworkId },
        reconcile: { tasks: [{ task_id: { value: "x" }, agent_id: { value: agent.agentId } }, { task_id: { value: "y" } }, { task_id: { value: "z" }, agent_id: { value: "S-unknown" } }] },
      },
      fw.streamId,
    );
    const explicit = eventsOf(fw.sink, "UPDATE").slice(before + 1).map((e) => [e.update.status.task_id.value, e.update.status.state]);
    expect(explicit).toEqual([
      ["x", "TASK_GONE"],
      ["y", "TASK_UNKNOWN"],
      ["z", "TASK_UNKNOWN"],
    ]);
  });

  it("TEARDOWN kills the framework's tasks on the agent and forgets the framework", async () => {
    const { agent, fw } = await launched();
    await kit.master.schedulerCall({ type: "TEARDOWN", framework_id: { value: fw.frameworkId } }, fw.streamId);
    expect(agentEventsOf(agent.sink, "SHUTDOWN_FRAMEWORK").map((e) => e.shutdown_framework.framework_id.value)).toEqual([fw.frameworkId]);
    expect(kit.master.frameworks.has(fw.frameworkId)).toBe(false);
    expect(kit.master.completedFrameworks[0]!.record.completedTasks.map((t) => [t.id, t.state])).toEqual([["t1", "TASK_KILLED"]]);
    expect(fw.sink.closed).toBe(true);
    expect(kit.registry.frameworks.has(fw.frameworkId)).toBe(false);
  });

  it("keeps a disconnected framework's tasks within failover_timeout and re-sends pending updates on resubscribe", async () => {
    const { fw, update, task } = await launched({ failover_timeout: 60 });
    kit.master.frameworkDisconnected(fw.frameworkId, fw.streamId);
    await update("TASK_RUNNING");
    vi.advanceTimersByTime(59_000);
    expect(task()!.state).toBe("TASK_RUNNING");
    const again = await subscribe(kit, { failover_timeout: 60 }, fw.frameworkId);
    expect(again.frameworkId).toBe(fw.frameworkId);
    expect(eventsOf(again.sink, "SUBSCRIBED")).toHaveLength(1);
    expect(eventsOf(again.sink, "UPDATE").map((e) => e.update.status.state)).toEqual(["TASK_RUNNING"]);
    vi.advanceTimersByTime(120_000);
    expect(kit.master.frameworks.has(fw.frameworkId)).toBe(true);
  });

  it("removes a framework whose failover timeout expires, killing its tasks", async () => {
    const { agent, fw } = await launched({ failover_timeout: 10 });
    kit.master.frameworkDisconnected(fw.frameworkId, fw.streamId);
    vi.advanceTimersByTime(10_000);
    expect(kit.master.frameworks.has(fw.frameworkId)).toBe(false);
    expect(agentEventsOf(agent.sink, "SHUTDOWN_FRAMEWORK")).toHaveLength(1);
    // A removed framework cannot come back under its id.
    const sink = new MemorySink<never>();
    await kit.master.subscribe({ type: "SUBSCRIBE", framework_id: { value: fw.frameworkId }, subscribe: { framework_info: { user: "u", name: "fw", id: { value: fw.frameworkId } } } }, sink as never);
    expect(sink.closed).toBe(true);
  });

  it("marks an agent unreachable after its ping timeout and its tasks TASK_LOST", async () => {
    const { agent, fw, task } = await launched();
    kit.master.agentDisconnected(agent.agentId, agent.streamId);
    kit.clock.now += kit.master.config.agentPingTimeoutMs + 1;
    kit.master.pingAgents();
    await Promise.resolve();
    expect(kit.master.agents.has(agent.agentId)).toBe(false);
    expect(kit.master.unreachableAgents.has(agent.agentId)).toBe(true);
    expect(task()!.state).toBe("TASK_LOST");
    expect(eventsOf(fw.sink, "FAILURE").map((e) => e.failure.agent_id?.value)).toEqual([agent.agentId]);
    expect(kit.registry.unreachable.has(agent.agentId)).toBe(true);
  });

  it("rejects a call whose stream id is not the framework's", async () => {
    const { fw } = await launched();
    await expect(kit.master.schedulerCall({ type: "TEARDOWN", framework_id: { value: fw.frameworkId } }, "other")).rejects.toMatchObject({ status: 400 });
  });
});
