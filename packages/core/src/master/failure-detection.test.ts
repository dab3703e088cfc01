import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type * as m from "../api/mesos/index.js";
import type { AgentEvent } from "../api/agent-protocol/events.js";
import { MemorySink } from "./event-sink.js";
import type { MasterConfig } from "./master.js";
import { parseRemovalRate } from "./removal-rate-limit.js";
import { addAgent, agentEventsOf, agentInfo, eventsOf, makeMaster, offersOf, subscribe, type Kit } from "./test-kit.js";

const scalar = (name: string, value: number) => ({ name, type: "SCALAR", scalar: { value } }) as m.Resource;
const PING = { agentPingIntervalMs: 1000, agentPingTimeoutMs: 3000 };

describe("agent failure detection", () => {
  let kit: Kit;
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    kit?.master.stop();
    vi.useRealTimers();
  });

  async function cluster(config: Partial<MasterConfig> = {}) {
    kit = makeMaster({ ...PING, ...config });
    await kit.master.start();
    const agent = await addAgent(kit);
    const aware = await subscribe(kit, { name: "aware", capabilities: [{ type: "PARTITION_AWARE" }] });
    const plain = await subscribe(kit, { name: "plain" });
    return { agent, aware, plain };
  }

  /** Launches one task per framework on the agent and reports it RUNNING. */
  async function runOne(agentId: string, fw: { frameworkId: string; streamId: string; sink: MemorySink<never> | MemorySink<any> }, taskId: string) {
    kit.master.allocate();
    const offer = offersOf(fw.sink).find((o) => kit.master.offers.has(o.id.value))!;
    const info = { name: taskId, task_id: { value: taskId }, agent_id: { value: agentId }, resources: [scalar("cpus", 1), scalar("mem", 64)], command: { value: "sleep 100" } } as m.TaskInfo;
    await kit.master.schedulerCall(
      { type: "ACCEPT", framework_id: { value: fw.frameworkId }, accept: { offer_ids: [offer.id], operations: [{ type: "LAUNCH", launch: { task_infos: [info] } }], filters: { refuse_seconds: 0 } } },
      fw.streamId,
    );
    await kit.master.agentCall({
      type: "STATUS_UPDATE",
      agent_id: { value: agentId },
      status_update: { framework_id: { value: fw.frameworkId }, status: { task_id: { value: taskId }, state: "TASK_RUNNING", source: "SOURCE_EXECUTOR", uuid: `u-${taskId}` } },
    });
  }

  const statesOf = (sink: MemorySink<any>, taskId: string) =>
    eventsOf(sink, "UPDATE")
      .map((e) => e.update.status)
      .filter((s) => s.task_id.value === taskId)
      .map((s) => s.state);

  function reregister(agentId: string, tasks: Array<{ fid: string; id: string; state: m.TaskState }>, sink = new MemorySink<AgentEvent>()) {
    return kit.master
      .reregisterAgent(
        {
          type: "REREGISTER",
          agent_id: { value: agentId },
          reregister: {
            agent_info: agentInfo("a1"),
            version: "1",
            tasks: tasks.map((t) => ({
              name: t.id,
              task_id: { value: t.id },
              framework_id: { value: t.fid },
              agent_id: { value: agentId },
              state: t.state,
              resources: [scalar("cpus", 1), scalar("mem", 64)],
            })) as never,
            frameworks: [],
            executor_infos: [],
          },
        },
        sink,
      )
      .then(() => sink);
  }

  it("marks a silent agent unreachable: TASK_UNREACHABLE for partition-aware frameworks, TASK_LOST for others", async () => {
    const { agent, aware, plain } = await cluster();
    await runOne(agent.agentId, aware, "pa");
    await runOne(agent.agentId, plain, "np");
    await vi.advanceTimersByTimeAsync(2000);
    expect(kit.master.agents.has(agent.agentId)).toBe(true);
    kit.clock.now += 3500; // no PONG for longer than the timeout
    await vi.advanceTimersByTimeAsync(1000);
    expect(kit.master.standing(agent.agentId)).toBe("unreachable");
    expect(statesOf(aware.sink, "pa")).toEqual(["TASK_RUNNING", "TASK_UNREACHABLE"]);
    expect(statesOf(plain.sink, "np")).toEqual(["TASK_RUNNING", "TASK_LOST"]);
    expect(kit.registry.unreachable.has(agent.agentId)).toBe(true);
  });

  it("on re-registration runs partition-aware tasks again and kills the others' tasks", async () => {
    const { agent, aware, plain } = await cluster();
    await runOne(agent.agentId, aware, "pa");
    await runOne(agent.agentId, plain, "np");
    kit.clock.now += 3500;
    await vi.advanceTimersByTimeAsync(1000);
    const sink = await reregister(agent.agentId, [
      { fid: aware.frameworkId, id: "pa", state: "TASK_RUNNING" },
      { fid: plain.frameworkId, id: "np", state: "TASK_RUNNING" },
    ]);
    expect(kit.master.standing(agent.agentId)).toBe("registered");
    expect(kit.master.frameworks.get(aware.frameworkId)!.tasks.get("pa")!.state).toBe("TASK_RUNNING");
    expect(agentEventsOf(sink, "KILL_TASK").map((e) => e.kill_task.task_id.value)).toEqual(["np"]);
    // The allocator books only the partition-aware task (1 of 4 cpus); the killed one is not counted.
    kit.master.allocate();
    const offered = [...kit.master.offers.values()].filter((o) => o.agentId === agent.agentId).reduce((s, o) => s + o.resources.scalar("cpus"), 0);
    expect(offered).toBe(3);
    await kit.master.schedulerCall({ type: "RECONCILE", framework_id: { value: aware.frameworkId }, reconcile: { tasks: [] } }, aware.streamId);
    expect(statesOf(aware.sink, "pa").at(-1)).toBe("TASK_RUNNING");
  });

  it("spaces unreachable markings by agent_removal_rate_limit and spares an agent that answers before its permit", async () => {
    kit = makeMaster({ ...PING, agentRemovalRate: parseRemovalRate("1/10secs") });
    await kit.master.start();
    const a = await addAgent(kit, "a1");
    const b = await addAgent(kit, "a2");
    const c = await addAgent(kit, "a3");
    kit.clock.now += 3500;
    await vi.advanceTimersByTimeAsync(1000);
    const unreachable = () => [a, b, c].filter((x) => kit.master.standing(x.agentId) === "unreachable").map((x) => x.agentId);
    expect(unreachable()).toEqual([a.agentId]);
    // c answers while it waits for its permit
    await kit.master.agentCall({ type: "PONG", agent_id: { value: c.agentId } });
    kit.clock.now += 9000;
    await vi.advanceTimersByTimeAsync(9000);
    expect(unreachable()).toEqual([a.agentId]);
    kit.clock.now += 1000;
    await vi.advanceTimersByTimeAsync(1000);
    expect(unreachable()).toEqual([a.agentId, b.agentId]);
    expect(kit.master.standing(c.agentId)).toBe("registered");
    expect(kit.master.counters.get("slave_unreachable_canceled")).toBe(1);
  });

  it("marks an agent gone once unreachable past its age limit: TASK_GONE, and its return is refused", async () => {
    const { agent, aware } = await cluster({ agentUnreachableGcMs: 5000 });
    await runOne(agent.agentId, aware, "pa");
    kit.clock.now += 3500;
    await vi.advanceTimersByTimeAsync(1000);
    kit.clock.now += 6000;
    await vi.advanceTimersByTimeAsync(1000);
    expect(kit.master.standing(agent.agentId)).toBe("gone");
    expect(statesOf(aware.sink, "pa")).toEqual(["TASK_RUNNING", "TASK_UNREACHABLE", "TASK_GONE"]);
    expect(kit.registry.gone.has(agent.agentId)).toBe(true);
    const sink = await reregister(agent.agentId, [{ fid: aware.frameworkId, id: "pa", state: "TASK_RUNNING" }]);
    expect(agentEventsOf(sink, "SHUTDOWN")).toHaveLength(1);
  });

  it("marks recovered agents that never re-register unreachable after agent_reregister_timeout", async () => {
    kit = makeMaster({ ...PING, agentReregisterTimeoutMs: 5000 });
    kit.registry.agents.set("M0-S0", agentInfo("a1"));
    kit.registry.agents.set("M0-S1", agentInfo("a2"));
    await kit.master.start();
    await reregister("M0-S1", []);
    await vi.advanceTimersByTimeAsync(5001);
    expect(kit.master.standing("M0-S0")).toBe("unreachable");
    expect(kit.master.standing("M0-S1")).toBe("registered");
    expect(kit.registry.unreachable.has("M0-S0")).toBe(true);
  });
});

describe("parseRemovalRate", () => {
  it("reads permits per Mesos duration", () => {
    expect(parseRemovalRate("1/10secs")).toEqual({ permits: 1, perMs: 10_000 });
    expect(parseRemovalRate("5/2mins")).toEqual({ permits: 5, perMs: 120_000 });
  });
  it("names the option and the problem", () => {
    expect(() => parseRemovalRate("1/10parsecs")).toThrow(/agent_removal_rate_limit: unknown duration unit "parsecs"/);
    expect(() => parseRemovalRate("fast")).toThrow(/expected <permits>\/<duration>.*"fast"/);
    expect(() => parseRemovalRate("0/1secs")).toThrow(/allows no removal/);
  });
});
