import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { addAgent, eventsOf, makeMaster, offersOf, subscribe, type Kit } from "./test-kit.js";

describe("offer lifecycle", () => {
  let kit: Kit;
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    kit?.master.stop();
    vi.useRealTimers();
  });

  it("offers a registered agent's resources to a subscribed framework", async () => {
    kit = makeMaster();
    const { agentId } = await addAgent(kit);
    const fw = await subscribe(kit);
    kit.master.allocate();
    const offers = offersOf(fw.sink);
    expect(offers).toHaveLength(1);
    expect(offers[0]!.agent_id.value).toBe(agentId);
    expect(offers[0]!.allocation_info?.role).toBe("web");
    const cpus = offers[0]!.resources!.find((r) => r.name === "cpus");
    expect(cpus?.scalar?.value).toBe(4);
    expect(kit.master.offers.size).toBe(1);
  });

  it("does not re-offer declined resources until refuse_seconds have passed", async () => {
    kit = makeMaster();
    await addAgent(kit);
    const fw = await subscribe(kit);
    kit.master.allocate();
    const [offer] = offersOf(fw.sink);
    await kit.master.schedulerCall(
      { type: "DECLINE", framework_id: { value: fw.frameworkId }, decline: { offer_ids: [offer!.id], filters: { refuse_seconds: 30 } } },
      fw.streamId,
    );
    expect(kit.master.offers.size).toBe(0);
    kit.clock.now += 29_000;
    kit.master.allocate();
    expect(offersOf(fw.sink)).toHaveLength(1);
    kit.clock.now += 2_000;
    kit.master.allocate();
    expect(offersOf(fw.sink)).toHaveLength(2);
  });

  it("re-offers at once after a decline with refuse_seconds 0", async () => {
    kit = makeMaster();
    await addAgent(kit);
    const fw = await subscribe(kit);
    kit.master.allocate();
    const [offer] = offersOf(fw.sink);
    await kit.master.schedulerCall(
      { type: "DECLINE", framework_id: { value: fw.frameworkId }, decline: { offer_ids: [offer!.id], filters: { refuse_seconds: 0 } } },
      fw.streamId,
    );
    kit.master.allocate();
    expect(offersOf(fw.sink)).toHaveLength(2);
  });

  it("rescinds offers of an agent whose stream closes", async () => {
    kit = makeMaster();
    const agent = await addAgent(kit);
    const fw = await subscribe(kit);
    kit.master.allocate();
    const [offer] = offersOf(fw.sink);
    kit.master.agentDisconnected(agent.agentId, agent.streamId);
    expect(eventsOf(fw.sink, "RESCIND").map((e) => e.rescind.offer_id.value)).toEqual([offer!.id.value]);
    expect(kit.master.offers.size).toBe(0);
    // A disconnected agent is not offered, but it is not removed either.
    kit.master.allocate();
    expect(offersOf(fw.sink)).toHaveLength(1);
    expect(kit.master.agents.has(agent.agentId)).toBe(true);
  });

  it("rescinds an offer after --offer_timeout and offers the resources again", async () => {
    kit = makeMaster({ offerTimeoutMs: 5_000 });
    await addAgent(kit);
    const fw = await subscribe(kit);
    kit.master.allocate();
    const [offer] = offersOf(fw.sink);
    vi.advanceTimersByTime(4_999);
    expect(eventsOf(fw.sink, "RESCIND")).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(eventsOf(fw.sink, "RESCIND").map((e) => e.rescind.offer_id.value)).toEqual([offer!.id.value]);
    kit.master.allocate();
    expect(offersOf(fw.sink)).toHaveLength(2);
    expect(kit.master.counters.get("offers_timed_out")).toBe(1);
  });

  it("ignores a DECLINE of an offer it does not know", async () => {
    kit = makeMaster();
    await addAgent(kit);
    const fw = await subscribe(kit);
    kit.master.allocate();
    await kit.master.schedulerCall(
      { type: "DECLINE", framework_id: { value: fw.frameworkId }, decline: { offer_ids: [{ value: "nope" }] } },
      fw.streamId,
    );
    expect(kit.master.offers.size).toBe(1);
  });

  it("suppress stops offers and revive brings them back", async () => {
    kit = makeMaster();
    await addAgent(kit);
    const fw = await subscribe(kit);
    await kit.master.schedulerCall({ type: "SUPPRESS", framework_id: { value: fw.frameworkId } }, fw.streamId);
    kit.master.allocate();
    expect(offersOf(fw.sink)).toHaveLength(0);
    await kit.master.schedulerCall({ type: "REVIVE", framework_id: { value: fw.frameworkId } }, fw.streamId);
    kit.master.allocate();
    expect(offersOf(fw.sink)).toHaveLength(1);
  });

  it("refuses REVIVE for a role the framework does not have, naming the field", async () => {
    kit = makeMaster();
    const fw = await subscribe(kit);
    await expect(
      kit.master.schedulerCall({ type: "REVIVE", framework_id: { value: fw.frameworkId }, revive: { roles: ["db"] } }, fw.streamId),
    ).rejects.toThrow(/^revive\.roles\[0\]: "db" is not one of the framework's roles/);
  });
});
