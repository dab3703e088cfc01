// Integration: a real master with the module and real agents; two frameworks compete for 3 seats.
import { afterEach, describe, expect, it } from "vitest";
import { providerState, scalarIn, startTestCluster } from "./fixtures/cluster.js";
import { SeatFramework } from "./fixtures/seat-framework.js";

describe("license seats on a real cluster", () => {
  const cleanup: Array<() => unknown> = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  const cluster = (options: Record<string, unknown>, agents = 2) => startTestCluster(cleanup, options, agents);

  async function framework(url: string, name: string, opts: Parameters<typeof SeatFramework.start>[2] = {}) {
    const fw = await SeatFramework.start(url, name, opts);
    cleanup.push(() => fw.close());
    return fw;
  }

  it("two frameworks competing for 3 seats never hold more than 3, checked at every status change over 200 short tasks", async () => {
    const { master } = await cluster({ licenses: { matlab: 3 } });
    const pool = () => master.master.providerPools().find((p) => p.id === "licenses")!;
    const violations: string[] = [];
    let checks = 0;
    let maxHeld = 0;
    master.hooks.masterLifecycle.taskStatus.tap("test", (status) => {
      checks++;
      const p = pool();
      const held = p.used.scalar("matlab");
      const offered = p.offered.scalar("matlab");
      // The module's own ledger must agree that no seat has two holders.
      const ledger = (p.details as { pools: Array<{ used: number }> }).pools[0]!.used;
      maxHeld = Math.max(maxHeld, held);
      if (held > 3 || held + offered > 3 || ledger > 3) violations.push(`${status.task_id.value} ${status.state}: held ${held}, offered ${offered}, ledger ${ledger}`);
    });
    const a = await framework(master.url, "a");
    const b = await framework(master.url, "b");
    const ids: Array<[SeatFramework, string]> = [];
    for (let i = 0; i < 100; i++) {
      for (const [fw, name] of [[a, "a"], [b, "b"]] as const) {
        const id = `${name}-${i}`;
        ids.push([fw, id]);
        void fw.launch(id, { cmd: "sleep 0.01", units: { matlab: 1 } });
      }
    }
    const ends = await Promise.all(ids.map(([fw, id]) => fw.waitForEnd(id, 170_000)));
    expect(ends.map((s) => s.state)).toEqual(ids.map(() => "TASK_FINISHED"));
    expect(violations).toEqual([]);
    expect(checks).toBeGreaterThanOrEqual(600);
    // The frameworks really competed: all three seats were held at once at some point.
    expect(maxHeld).toBe(3);
    // Every seat is back and the module's ledger agrees with the master's.
    const state = await providerState(master.url);
    expect(scalarIn(state.used_resources, "matlab")).toBe(0);
    expect(state.details!.pools[0]).toMatchObject({ name: "matlab", total: 3, used: 0, holders: [] });
  }, 200_000);
});
