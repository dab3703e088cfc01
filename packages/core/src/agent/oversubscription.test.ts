import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Resources } from "../resources/index.js";
import { AgentHarness } from "./__fixtures__/agent-harness.js";

const revocableCpus = [{ name: "cpus", type: "SCALAR", scalar: { value: 0.1 }, revocable: {} }];

describe("oversubscription hooks", () => {
  let h: AgentHarness;
  beforeEach(async () => {
    h = await new AgentHarness().setUp();
  });
  afterEach(() => h.tearDown());

  it("keeps the estimator's revocable resources and shows them in /state", async () => {
    const a = await h.start({ oversubscriptionIntervalMs: 30 });
    a.hooks.oversubscription.estimate.tapPromise("est", async (r, ctx) => {
      expect(ctx.total.scalar("cpus")).toBe(2);
      return r.plus(Resources.of({ name: "cpus", scalar: 1.5, revocable: true }, { name: "mem", scalar: 64 }));
    });
    await h.master.waitFor(() => a.agent.revocableEstimate().scalar("cpus") === 1.5, 5000, "an estimate");
    expect(a.agent.revocableEstimate().scalar("mem")).toBe(0); // not flagged revocable: dropped
    expect(JSON.parse((await h.get(a, "/state")).body).revocable_resources_estimate).toEqual({ cpus: 1.5 });
  });

  it("evicts a task on revocable resources when the QoS controller asks, and leaves others alone", async () => {
    const a = await h.start({ oversubscriptionIntervalMs: 30 });
    h.runTask(a.agentId()!, "best-effort", { command: { value: "sleep 30" }, resources: revocableCpus });
    h.runTask(a.agentId()!, "guaranteed", { command: { value: "sleep 30" } });
    await h.waitState("best-effort", "TASK_RUNNING");
    await h.waitState("guaranteed", "TASK_RUNNING");
    a.hooks.oversubscription.qosCorrections.tapPromise("qos", async (list, ctx) => [
      ...list,
      ...ctx.containers.map((c) => ({ action: "evict" as const, container: c.container, reason: "interference on cpu" })),
    ]);
    const end = await h.waitTerminal("best-effort");
    expect(end.status).toMatchObject({ state: "TASK_GONE", reason: "REASON_CONTAINER_PREEMPTED" });
    expect(end.status.message).toContain("interference on cpu");
    await new Promise((r) => setTimeout(r, 200));
    expect(h.terminalOf("guaranteed")).toBeUndefined();
  });
});
