import { afterEach, describe, expect, it } from "vitest";
import type * as m from "../api/mesos/index.js";
import { providerAgentId } from "../allocator/index.js";
import type { ProviderHolding, ProviderOperation, ResourceProvider } from "../hooks/index.js";
import { Resources } from "../resources/index.js";
import { MemorySink } from "./event-sink.js";
import { masterStateJson } from "./state-view.js";
import { metricsSnapshot } from "./metrics.js";
import { addAgent, agentEventsOf, agentInfo, eventsOf, FakeRegistry, makeMaster, offersOf, subscribe, type Kit } from "./test-kit.js";

/** A provider of `n` "seats", as a license module would be; records what the master asks. */
class SeatProvider implements ResourceProvider {
  readonly id = "lic";
  readonly kind = "test.seats";
  ops: ProviderOperation[] = [];
  reconciled: ProviderHolding[][] = [];
  changed: () => void = () => {};
  constructor(public seats: number) {}
  resources() {
    return Resources.of({ name: "seats", scalar: this.seats, providerId: this.id });
  }
  async apply(op: ProviderOperation) {
    this.ops.push(op);
  }
  async reconcile(h: ProviderHolding[]) {
    this.reconciled.push(h);
  }
  watch(changed: () => void) {
    this.changed = changed;
  }
  describe() {
    return { note: "test" };
  }
}

const scalar = (name: string, value: number) => ({ name, type: "SCALAR", scalar: { value } }) as m.Resource;
const seat = (n: number) => ({ name: "seats", type: "SCALAR", scalar: { value: n }, provider_id: { value: "lic" } }) as m.Resource;
const seatsIn = (o: m.Offer) => (o.resources ?? []).filter((r) => r.name === "seats").reduce((s, r) => s + r.scalar!.value, 0);

/** Taps as a license module does: pools ride along with agent offers, never alone. */
function withSeats(kit: Kit, provider: SeatProvider, launch?: (task: m.TaskInfo) => m.TaskInfo) {
  kit.hooks.resourceProviders.registerProviders.tapPromise("seats", async (list) => [...list, provider]);
  kit.hooks.allocation.filterOffer.tap("seats", (c) => (c.agentId === providerAgentId("lic") ? "alone" : undefined));
  kit.hooks.allocation.beforeOffer.tap("seats", (c) => ({ ...c, resources: c.resources.plus(c.clusterResources?.("lic") ?? Resources.empty()) }));
  if (launch) kit.hooks.resourceProviders.launchTask.tap("seats", (t) => launch(t as m.TaskInfo));
}

async function launch(kit: Kit, fw: { frameworkId: string; streamId: string }, offer: m.Offer, taskId: string, seats: number) {
  const info = { name: taskId, task_id: { value: taskId }, agent_id: offer.agent_id, resources: [scalar("cpus", 1), scalar("mem", 64), seat(seats)], command: { value: "true" } } as m.TaskInfo;
  await kit.master.schedulerCall(
    { type: "ACCEPT", framework_id: { value: fw.frameworkId }, accept: { offer_ids: [offer.id], operations: [{ type: "LAUNCH", launch: { task_infos: [info] } }], filters: { refuse_seconds: 0 } } },
    fw.streamId,
  );
}

describe("the master and resource providers", () => {
  let kit: Kit;
  afterEach(() => kit?.master.stop());

  it("puts pool units into agent offers, allocates them on launch and shows the task what a launchTask tap added", async () => {
    kit = makeMaster();
    const provider = new SeatProvider(3);
    withSeats(kit, provider, (t) => ({ ...t, labels: { labels: [{ key: "seat", value: "yes" }] } }));
    await kit.master.start();
    const agent = await addAgent(kit);
    const fw = await subscribe(kit);
    kit.master.allocate();
    const [offer] = offersOf(fw.sink);
    expect(seatsIn(offer!)).toBe(3);
    await launch(kit, fw, offer!, "t1", 2);
    expect(provider.ops.map((o) => [o.type, o.taskId, o.resources.scalar("seats")])).toEqual([["ALLOCATE", "t1", 2]]);
    const run = agentEventsOf(agent.sink, "RUN_TASK")[0]!.run_task.task;
    expect(run.labels).toEqual({ labels: [{ key: "seat", value: "yes" }] });
    expect(run.resources).toEqual(expect.arrayContaining([expect.objectContaining({ name: "seats", provider_id: { value: "lic" } })]));
    const state = masterStateJson(kit.master) as { resource_providers: Array<{ id: string; used_resources: unknown; holders: unknown[]; details: unknown }> };
    expect(state.resource_providers[0]).toMatchObject({ id: "lic", kind: "test.seats", healthy: true, details: { note: "test" } });
    expect(state.resource_providers[0]!.holders).toMatchObject([{ framework_id: fw.frameworkId, task_id: "t1" }]);
    expect(metricsSnapshot(kit.master, true)).toMatchObject({ "provider/lic/seats/total": 3, "provider/lic/seats/used": 2 });
  });

  it("rescinds outstanding offers holding units beyond a smaller total, keeps running tasks, and offers no more", async () => {
    kit = makeMaster();
    const provider = new SeatProvider(3);
    withSeats(kit, provider);
    await kit.master.start();
    await addAgent(kit, "a1");
    await addAgent(kit, "a2");
    const fw = await subscribe(kit);
    kit.master.allocate();
    const offers = offersOf(fw.sink);
    const withSeatsOffer = offers.find((o) => seatsIn(o) === 3)!;
    await launch(kit, fw, withSeatsOffer, "t1", 1);
    kit.master.allocate();
    const outstanding = [...kit.master.offers.values()].filter((o) => o.resources.scalar("seats") > 0);
    expect(outstanding.reduce((s, o) => s + o.resources.scalar("seats"), 0)).toBe(2);
    provider.seats = 1;
    provider.changed();
    await kit.master.refreshProvider(provider);
    expect(eventsOf(fw.sink, "RESCIND").map((e) => e.rescind.offer_id.value)).toEqual(outstanding.map((o) => o.id));
    expect(kit.master.frameworks.get(fw.frameworkId)!.tasks.get("t1")!.state).toBe("TASK_STAGING");
    kit.master.allocate();
    expect([...kit.master.offers.values()].reduce((s, o) => s + o.resources.scalar("seats"), 0)).toBe(0);
  });

  it("gives pool units back when the task's agent is removed", async () => {
    kit = makeMaster();
    const provider = new SeatProvider(2);
    withSeats(kit, provider);
    await kit.master.start();
    const agent = await addAgent(kit);
    const fw = await subscribe(kit);
    kit.master.allocate();
    await launch(kit, fw, offersOf(fw.sink)[0]!, "t1", 2);
    await kit.master.agentCall({ type: "UNREGISTER", agent_id: { value: agent.agentId } });
    await new Promise((r) => setImmediate(r));
    expect(provider.ops.map((o) => o.type)).toEqual(["ALLOCATE", "RELEASE"]);
    await addAgent(kit, "a2");
    kit.master.allocate();
    expect(seatsIn(offersOf(fw.sink).at(-1)!)).toBe(2);
  });

  it("after a failover withholds the pools until recovered agents re-registered, then reconciles with the tasks they report", async () => {
    const registry = new FakeRegistry();
    registry.agents.set("A1", agentInfo("a1"));
    registry.frameworks.set("F1", { user: "u", name: "fw", role: "web", failover_timeout: 60 } as m.FrameworkInfo);
    kit = makeMaster({}, registry);
    const provider = new SeatProvider(3);
    withSeats(kit, provider);
    await kit.master.start();
    expect(provider.reconciled).toEqual([]);
    const other = await addAgent(kit, "a9");
    const fw = await subscribe(kit, { failover_timeout: 60 }, "F1");
    kit.master.allocate();
    expect(offersOf(fw.sink).map(seatsIn)).toEqual([0]);
    void other;
    const task = { name: "t1", task_id: { value: "t1" }, framework_id: { value: "F1" }, agent_id: { value: "A1" }, state: "TASK_RUNNING" as const, resources: [{ ...scalar("cpus", 1), allocation_info: { role: "web" } }, { ...seat(2), allocation_info: { role: "web" } }] };
    await kit.master.reregisterAgent(
      { type: "REREGISTER", agent_id: { value: "A1" }, reregister: { agent_info: agentInfo("a1"), version: "1", tasks: [task as never], frameworks: [], executor_infos: [] } },
      new MemorySink(),
    );
    await new Promise((r) => setImmediate(r));
    expect(provider.reconciled).toHaveLength(1);
    expect(provider.reconciled[0]!.map((h) => [h.frameworkId, h.taskId, h.resources.scalar("seats")])).toEqual([["F1", "t1", 2]]);
    for (const o of [...kit.master.offers.values()]) {
      await kit.master.schedulerCall({ type: "DECLINE", framework_id: { value: "F1" }, decline: { offer_ids: [{ value: o.id }], filters: { refuse_seconds: 0 } } }, fw.streamId);
    }
    kit.master.allocate();
    expect([...kit.master.offers.values()].reduce((s, o) => s + o.resources.scalar("seats"), 0)).toBe(1);
  });
});
