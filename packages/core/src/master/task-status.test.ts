import { afterEach, describe, expect, it } from "vitest";
import type * as m from "../api/mesos/index.js";
import { getTasks } from "./state-view.js";
import { appendStatus, receivedStatus } from "./task-status.js";
import { addAgent, eventsOf, makeMaster, offersOf, subscribe, type Kit } from "./test-kit.js";

const status = (state: m.TaskState, timestamp: number): m.TaskStatus => ({ task_id: { value: "t1" }, state, timestamp });

describe("receivedStatus", () => {
  it("keeps every field of the agent's status in its order, with the given id objects", () => {
    const raw = { task_id: { value: "t1" }, state: "TASK_RUNNING" as const, source: "SOURCE_EXECUTOR" as const, uuid: "u", timestamp: 12.5, extra: { x: 1 } };
    const taskId = { value: "t1" };
    const agentId = { value: "a1" };
    const out = receivedStatus(raw, taskId, agentId);
    expect(out).toEqual({ ...raw, task_id: { value: "t1" }, agent_id: { value: "a1" } });
    expect(Object.keys(out)).toEqual(["task_id", "state", "source", "uuid", "timestamp", "extra", "agent_id"]);
    expect(out.task_id).toBe(taskId);
    expect(out.agent_id).toBe(agentId);
    expect(raw).not.toHaveProperty("agent_id");
  });
});

describe("appendStatus", () => {
  it("appends to a new array and drops the oldest past the limit", () => {
    const one = [status("TASK_STAGING", 1)];
    const two = appendStatus(one, status("TASK_RUNNING", 2), 2);
    expect(two.map((s) => s.state)).toEqual(["TASK_STAGING", "TASK_RUNNING"]);
    expect(one).toHaveLength(1);
    const three = appendStatus(two, status("TASK_FINISHED", 3), 2);
    expect(three.map((s) => s.timestamp)).toEqual([2, 3]);
    expect(appendStatus([], status("TASK_RUNNING", 4), 1).map((s) => s.timestamp)).toEqual([4]);
  });
});

describe("a task's statuses in the master", () => {
  let kit: Kit;
  afterEach(() => kit?.master.stop());

  it("keep each update in full, sharing the task's id objects, at most 10", async () => {
    kit = makeMaster();
    const agent = await addAgent(kit);
    const fw = await subscribe(kit);
    kit.master.allocate();
    const [offer] = offersOf(fw.sink);
    const info = { name: "t1", task_id: { value: "t1" }, agent_id: { value: agent.agentId }, resources: [{ name: "cpus", type: "SCALAR", scalar: { value: 1 } }], command: { value: "true" } } as m.TaskInfo;
    await kit.master.schedulerCall(
      { type: "ACCEPT", framework_id: { value: fw.frameworkId }, accept: { offer_ids: [offer!.id], operations: [{ type: "LAUNCH", launch: { task_infos: [info] } }] } },
      fw.streamId,
    );
    for (let i = 0; i < 12; i++) {
      await kit.master.agentCall({
        type: "STATUS_UPDATE",
        agent_id: { value: agent.agentId },
        status_update: { framework_id: { value: fw.frameworkId }, status: { task_id: { value: "t1" }, state: "TASK_RUNNING", source: "SOURCE_EXECUTOR", timestamp: i, message: `m${i}` } },
      });
    }
    const task = kit.master.frameworks.get(fw.frameworkId)!.tasks.get("t1")!;
    expect(task.statuses.map((s) => s.timestamp)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(task.statuses.every((s) => s.task_id === task.info.task_id && s.agent_id === task.info.agent_id)).toBe(true);
    expect(task.info.agent_id).toBe(kit.master.agents.get(agent.agentId)!.info.id);
    expect(task.info.agent_id).toEqual({ value: agent.agentId });
    const served = getTasks(kit.master).tasks![0]!.statuses!;
    expect(served.at(-1)).toEqual({ task_id: { value: "t1" }, state: "TASK_RUNNING", source: "SOURCE_EXECUTOR", timestamp: 11, message: "m11", agent_id: { value: agent.agentId } });
    expect(eventsOf(fw.sink, "UPDATE").at(-1)!.update.status).toEqual(served.at(-1));
  });
});
