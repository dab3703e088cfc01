// Integration: the seat count comes from a license server; it lowers the count mid-run.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Offer } from "@tessera/sdk";
import { eventually } from "@tessera/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { providerState, scalarIn, startTestAgent, startTestMaster, tempDir } from "./fixtures/cluster.js";
import { SeatFramework } from "./fixtures/seat-framework.js";

const seatsIn = (o: Offer) => (o.resources ?? []).filter((r) => r.name === "matlab").reduce((s, r) => s + (r.scalar?.value ?? 0), 0);

describe("a license server as the source of the seat count", () => {
  const cleanup: Array<() => unknown> = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  it("lowers its count mid-run: offers beyond the new count are rescinded, running tasks are not killed", async () => {
    const answer = { total: 5, used_outside_cluster: 0 };
    const server: Server = createServer((_req, res) => res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(answer)));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    cleanup.push(() => new Promise<void>((r) => server.close(() => r())));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/licenses/matlab`;

    const tmp = await tempDir();
    cleanup.push(() => tmp.remove());
    const master = await startTestMaster(tmp.dir, { licenses: { matlab: { server: { url, intervalMs: 100, timeoutMs: 1000 }, perOffer: 2 } } });
    cleanup.push(() => master.stop());
    for (const i of [0, 1, 2]) {
      const agent = await startTestAgent(master.url, `${tmp.dir}/agent${i}`);
      cleanup.push(() => agent.stop({ killTasks: true }));
    }
    const runner = await SeatFramework.start(master.url, "runner");
    cleanup.push(() => runner.close());
    await runner.launch("long", { cmd: "sleep 60", units: { matlab: 1 } });
    await runner.waitForState("long", "TASK_RUNNING");
    await runner.client.suppress();

    // A framework that sits on its offers: the other 4 seats stay outstanding with it.
    const holder = await SeatFramework.start(master.url, "holder", { answer: false });
    cleanup.push(() => holder.close());
    const held = await eventually("4 seats in outstanding offers", () => {
      const live = holder.offers.filter((o) => !holder.rescinded.includes(o.id.value));
      return live.reduce((s, o) => s + seatsIn(o), 0) === 4 ? live.filter((o) => seatsIn(o) > 0) : undefined;
    });
    expect(held.length).toBe(2);

    answer.used_outside_cluster = 3; // 2 seats for the cluster now, 1 of them held by "long"
    await eventually("an offer rescinded", () => holder.rescinded.length > 0);
    const outstanding = () => holder.offers.filter((o) => !holder.rescinded.includes(o.id.value));
    await new Promise((r) => setTimeout(r, 500));
    expect(held.filter((o) => holder.rescinded.includes(o.id.value))).toHaveLength(2);
    expect(outstanding().reduce((s, o) => s + seatsIn(o), 0)).toBe(1);
    expect(runner.latest("long")).toBe("TASK_RUNNING");
    const state = await providerState(master.url);
    expect(scalarIn(state.total_resources, "matlab")).toBe(2);
    expect(scalarIn(state.used_resources, "matlab")).toBe(1);
    expect(state.details!.pools[0]).toMatchObject({ total: 2, used: 1, source: { type: "http", total: 5, used_outside_cluster: 3, reachable: true } });

    // The server goes away: the last known count stands.
    answer.used_outside_cluster = 0;
    await eventually("count back to 5", async () => scalarIn((await providerState(master.url)).total_resources, "matlab") === 5);
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await new Promise((r) => setTimeout(r, 500));
    const after = await providerState(master.url);
    expect(scalarIn(after.total_resources, "matlab")).toBe(5);
    expect(after.details!.pools[0]).toMatchObject({ source: { reachable: false } });
    expect(runner.latest("long")).toBe("TASK_RUNNING");
  }, 60_000);
});
