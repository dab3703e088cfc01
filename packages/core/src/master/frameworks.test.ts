import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { newStatusUuid } from "./task-status.js";
import { addAgent, eventsOf, makeMaster, subscribe, type Kit } from "./test-kit.js";

describe("framework lifecycle", () => {
  let kit: Kit;
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    kit?.master.stop();
    vi.useRealTimers();
  });

  it("sends HEARTBEAT events at the configured interval while subscribed", async () => {
    kit = makeMaster({ heartbeatIntervalMs: 2_000 });
    const fw = await subscribe(kit);
    expect(eventsOf(fw.sink, "SUBSCRIBED")[0]!.subscribed.heartbeat_interval_seconds).toBe(2);
    vi.advanceTimersByTime(6_000);
    expect(eventsOf(fw.sink, "HEARTBEAT")).toHaveLength(3);
    kit.master.frameworkDisconnected(fw.frameworkId, fw.streamId);
    vi.advanceTimersByTime(6_000);
    expect(eventsOf(fw.sink, "HEARTBEAT")).toHaveLength(3);
  });

  it("closes the old stream with an ERROR when the framework fails over to a new one", async () => {
    kit = makeMaster();
    const first = await subscribe(kit, { failover_timeout: 60 });
    const second = await subscribe(kit, { failover_timeout: 60 }, first.frameworkId);
    expect(eventsOf(first.sink, "ERROR")[0]!.error.message).toBe("Framework failed over");
    expect(first.sink.closed).toBe(true);
    expect(second.streamId).not.toBe(first.streamId);
    // The old stream closing later must not disconnect the new one.
    kit.master.frameworkDisconnected(first.frameworkId, first.streamId);
    expect(kit.master.frameworks.get(first.frameworkId)!.connected).toBe(true);
  });

  it("fires the lifecycle hooks for agents, frameworks and task statuses", async () => {
    kit = makeMaster();
    const seen: string[] = [];
    const lc = kit.hooks.masterLifecycle;
    lc.agentRegistered.tap("test", (a, i) => void seen.push(`agentRegistered:${a.hostname}:${i.reregistered}`));
    lc.frameworkSubscribed.tap("test", (f, i) => void seen.push(`frameworkSubscribed:${f.name}:${i.resubscribed}`));
    lc.frameworkRemoved.tap("test", (_f, i) => void seen.push(`frameworkRemoved:${i.reason}`));
    lc.taskStatus.tap("test", (s) => void seen.push(`taskStatus:${s.state}`));
    lc.agentRemoved.tap("test", (_a, i) => void seen.push(`agentRemoved:${i.reason}`));
    const agent = await addAgent(kit, "host-a");
    const fw = await subscribe(kit);
    await kit.master.agentCall({
      type: "STATUS_UPDATE",
      agent_id: { value: agent.agentId },
      status_update: { framework_id: { value: fw.frameworkId }, status: { task_id: { value: "t" }, state: "TASK_RUNNING", uuid: newStatusUuid() } },
    });
    await kit.master.schedulerCall({ type: "TEARDOWN", framework_id: { value: fw.frameworkId } }, fw.streamId);
    await kit.master.agentCall({ type: "UNREGISTER", agent_id: { value: agent.agentId } });
    expect(seen).toEqual([
      "agentRegistered:host-a:false",
      "frameworkSubscribed:fw:false",
      "taskStatus:TASK_RUNNING",
      "frameworkRemoved:teardown",
      "agentRemoved:the agent unregistered",
    ]);
  });

  it("answers calls from an agent id it does not know with 403", async () => {
    kit = makeMaster();
    await expect(kit.master.agentCall({ type: "PONG", agent_id: { value: "nope" } })).rejects.toMatchObject({ status: 403 });
  });
});
