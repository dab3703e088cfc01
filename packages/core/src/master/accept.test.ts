import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type * as m from "../api/mesos/index.js";
import { addAgent, agentEventsOf, eventsOf, makeMaster, offersOf, subscribe, type Kit } from "./test-kit.js";

const scalar = (name: string, value: number): m.Resource => ({ name, type: "SCALAR", scalar: { value } }) as m.Resource;

function task(id: string, agentId: string, cpus = 1, mem = 128): m.TaskInfo {
  return { name: id, task_id: { value: id }, agent_id: { value: agentId }, resources: [scalar("cpus", cpus), scalar("mem", mem)], command: { value: "true" } } as m.TaskInfo;
}

describe("ACCEPT", () => {
  let kit: Kit;
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    kit?.master.stop();
    vi.useRealTimers();
  });

  async function setup() {
    kit = makeMaster();
    const agent = await addAgent(kit);
    const fw = await subscribe(kit);
    kit.master.allocate();
    const [offer] = offersOf(fw.sink);
    const accept = (operations: m.OfferOperation[], offerIds = [offer!.id], filters?: m.Filters) =>
      kit.master.schedulerCall(
        { type: "ACCEPT", framework_id: { value: fw.frameworkId }, accept: { offer_ids: offerIds, operations, ...(filters && { filters }) } },
        fw.streamId,
      );
    return { agent, fw, offer: offer!, accept };
  }

  it("launches a task on the agent and keeps the rest filtered for the default 5 s", async () => {
    const { agent, fw, accept } = await setup();
    await accept([{ type: "LAUNCH", launch: { task_infos: [task("t1", agent.agentId)] } }]);
    const runs = agentEventsOf(agent.sink, "RUN_TASK");
    expect(runs).toHaveLength(1);
    expect(runs[0]!.run_task.task.task_id.value).toBe("t1");
    expect(runs[0]!.run_task.framework_info.id?.value).toBe(fw.frameworkId);
    expect(kit.master.frameworks.get(fw.frameworkId)!.tasks.get("t1")!.state).toBe("TASK_STAGING");
    kit.master.allocate();
    expect(offersOf(fw.sink)).toHaveLength(1);
    kit.clock.now += 5_001;
    kit.master.allocate();
    const second = offersOf(fw.sink)[1]!;
    expect(second.resources!.find((r) => r.name === "cpus")?.scalar?.value).toBe(3);
  });

  it("answers a task asking for more than offered with TASK_ERROR naming the field", async () => {
    const { agent, fw, accept } = await setup();
    await accept([{ type: "LAUNCH", launch: { task_infos: [task("ok", agent.agentId, 3), task("big", agent.agentId, 2)] } }]);
    const updates = eventsOf(fw.sink, "UPDATE").map((e) => e.update.status);
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({ state: "TASK_ERROR", reason: "REASON_TASK_INVALID", source: "SOURCE_MASTER", task_id: { value: "big" } });
    expect(updates[0]!.message).toMatch(/^accept\.operations\[0\]\.launch\.task_infos\[1\]\.resources: .*more than the offers have left/);
    expect(updates[0]!.uuid).toBeDefined();
    expect(agentEventsOf(agent.sink, "RUN_TASK").map((e) => e.run_task.task.task_id.value)).toEqual(["ok"]);
  });

  it("refuses a task id already in use and a task for another agent", async () => {
    const { agent, fw, accept } = await setup();
    await accept([
      { type: "LAUNCH", launch: { task_infos: [task("t1", agent.agentId)] } },
      { type: "LAUNCH", launch: { task_infos: [task("t1", agent.agentId), task("t2", "elsewhere")] } },
    ]);
    const messages = eventsOf(fw.sink, "UPDATE").map((e) => e.update.status.message);
    expect(messages).toEqual([
      'accept.operations[1].launch.task_infos[0].task_id: task "t1" is already in use by this framework',
      `accept.operations[1].launch.task_infos[1].agent_id: task is for agent "elsewhere" but the offers are from "${agent.agentId}"`,
    ]);
  });

  it("drops every task when an offer is no longer valid, and returns the valid offers", async () => {
    const { agent, fw, offer, accept } = await setup();
    await accept([{ type: "LAUNCH", launch: { task_infos: [task("t1", agent.agentId)] } }], [offer.id, { value: "gone" }]);
    const [update] = eventsOf(fw.sink, "UPDATE").map((e) => e.update.status);
    expect(update).toMatchObject({ state: "TASK_LOST", reason: "REASON_INVALID_OFFERS", message: 'accept.offer_ids[1]: offer "gone" is no longer valid' });
    expect(agentEventsOf(agent.sink, "RUN_TASK")).toHaveLength(0);
    kit.master.allocate();
    expect(offersOf(fw.sink)).toHaveLength(2);
  });

  it("sends TASK_DROPPED instead of TASK_LOST to partition-aware frameworks", async () => {
    kit = makeMaster();
    const agent = await addAgent(kit);
    const fw = await subscribe(kit, { capabilities: [{ type: "PARTITION_AWARE" }] });
    await kit.master.schedulerCall(
      { type: "ACCEPT", framework_id: { value: fw.frameworkId }, accept: { offer_ids: [{ value: "x" }], operations: [{ type: "LAUNCH", launch: { task_infos: [task("t1", agent.agentId)] } }] } },
      fw.streamId,
    );
    expect(eventsOf(fw.sink, "UPDATE")[0]!.update.status.state).toBe("TASK_DROPPED");
  });

  it("launches a task group with its executor in one RUN_TASK_GROUP", async () => {
    const { agent, accept } = await setup();
    const executor = { executor_id: { value: "e1" }, type: "DEFAULT", resources: [scalar("cpus", 0.1), scalar("mem", 32)] } as m.ExecutorInfo;
    const t1 = task("g1", agent.agentId);
    const t2 = task("g2", agent.agentId);
    delete t1.command;
    delete t2.command;
    await accept([{ type: "LAUNCH_GROUP", launch_group: { executor, task_group: { tasks: [t1, t2] } } }]);
    const [run] = agentEventsOf(agent.sink, "RUN_TASK_GROUP");
    expect(run!.run_task_group.task_group.tasks.map((t) => t.task_id.value)).toEqual(["g1", "g2"]);
    expect(run!.run_task_group.executor.executor_id.value).toBe("e1");
  });

  it("applies RESERVE to the allocator and tells the agent to checkpoint it", async () => {
    const { agent, fw, accept } = await setup();
    const reserved = { ...scalar("cpus", 1), reservations: [{ type: "DYNAMIC", role: "web", principal: "p" }] } as m.Resource;
    await accept([{ type: "RESERVE", reserve: { resources: [reserved] } }], undefined, { refuse_seconds: 0 });
    const [checkpoint] = agentEventsOf(agent.sink, "CHECKPOINT_RESOURCES");
    expect(checkpoint!.checkpoint_resources.resources).toMatchObject([{ name: "cpus", scalar: { value: 1 }, reservations: [{ type: "DYNAMIC", role: "web" }] }]);
    kit.master.allocate();
    const next = offersOf(fw.sink)[1]!;
    expect(next.resources!.some((r) => r.name === "cpus" && (r as { reservations?: unknown[] }).reservations?.length === 1)).toBe(true);
  });

  it("refuses CREATE with an OPERATION_ERROR naming the operation", async () => {
    const { fw, accept } = await setup();
    await accept([{ type: "CREATE", id: { value: "op1" }, create: { volumes: [] } }]);
    const [ev] = eventsOf(fw.sink, "UPDATE_OPERATION_STATUS");
    expect(ev!.update_operation_status.status).toMatchObject({ state: "OPERATION_ERROR", operation_id: { value: "op1" } });
    expect(ev!.update_operation_status.status.message).toMatch(/^accept\.operations\[0\]: CREATE is not supported/);
  });
});
