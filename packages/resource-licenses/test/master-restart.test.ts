// Integration: the master is SIGKILLed while tasks hold seats and comes back on the same registry.
import { join } from "node:path";
import type { AgentHandle } from "@tessera/core";
import { eventually } from "@tessera/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { freePort, providerState, scalarIn, spawnMaster, startTestAgent, tempDir, type MasterProcess } from "./fixtures/cluster.js";
import { SeatFramework } from "./fixtures/seat-framework.js";

describe("master restart", () => {
  const cleanup: Array<() => unknown> = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  it("keeps the holdings, and frees the seat of a task that finished while the master was down", async () => {
    const tmp = await tempDir();
    cleanup.push(() => tmp.remove());
    const port = await freePort();
    const workDir = join(tmp.dir, "master");
    const options = { licenses: { matlab: 3 } };
    let master: MasterProcess = await spawnMaster(port, workDir, options);
    cleanup.push(() => master.kill("SIGKILL"));
    const agent: AgentHandle = await startTestAgent(master.url, join(tmp.dir, "agent"));
    cleanup.push(() => agent.stop({ killTasks: true }));
    const fw = await SeatFramework.start(master.url, "durable", { failoverTimeout: 300 });
    cleanup.push(() => fw.close());

    await Promise.all([
      fw.launch("long-1", { cmd: "sleep 120", units: { matlab: 1 } }),
      fw.launch("long-2", { cmd: "sleep 120", units: { matlab: 1 } }),
      fw.launch("short", { cmd: "sleep 4", units: { matlab: 1 } }),
    ]);
    for (const id of ["long-1", "long-2", "short"]) await fw.waitForState(id, "TASK_RUNNING");
    await fw.client.suppress();
    const before = await providerState(master.url);
    expect(before.holders.map((h) => h.task_id).sort()).toEqual(["long-1", "long-2", "short"]);

    await master.kill("SIGKILL");
    // "short" ends while no master is there to hear it.
    await new Promise((r) => setTimeout(r, 5000));
    master = await spawnMaster(port, workDir, options);

    const after = await eventually(
      "the restarted master reconciled the pool",
      async () => {
        const s = await providerState(master.url);
        return s.healthy && s.details?.pools[0]?.used === 2 ? s : undefined;
      },
      { timeoutMs: 30_000 },
    );
    expect(after.holders.map((h) => h.task_id).sort()).toEqual(["long-1", "long-2"]);
    expect(scalarIn(after.used_resources, "matlab")).toBe(2);
    expect(after.details!.pools[0]!.holders.map((h) => h.holder).sort()).toEqual([`${fw.id}/long-1`, `${fw.id}/long-2`]);
    // The module got its holdings back from the registry and freed the one whose task is gone.
    expect(after.details!.last_reconcile).toMatchObject({ kept: 2, freed: [{ holder: `${fw.id}/short` }], reclaimed: [] });
    expect((await fw.waitForEnd("short", 30_000)).state).toBe("TASK_FINISHED");
    expect(fw.latest("long-1")).toBe("TASK_RUNNING");

    // The freed seat is offered again, and only that one.
    await fw.client.revive();
    await fw.launch("again", { cmd: "sleep 120", units: { matlab: 1 } });
    expect((await fw.waitForState("again", "TASK_RUNNING")).state).toBe("TASK_RUNNING");
    const full = await providerState(master.url);
    expect(scalarIn(full.used_resources, "matlab")).toBe(3);
    expect(scalarIn(full.offered_resources, "matlab")).toBe(0);
  }, 120_000);
});
