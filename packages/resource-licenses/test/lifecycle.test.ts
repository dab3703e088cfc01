// Integration: seats come back on every way a task can end; IP addresses reach the task; DRF,
// quota and role visibility with pool units, on a real master and agents.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { agentProtocol, MASTER_TOKENS, type HierarchicalAllocator } from "@tessera/core";
import { eventually } from "@tessera/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { getJson, providerState, scalarIn, startTestCluster } from "./fixtures/cluster.js";
import { SeatFramework, type FrameworkOptions } from "./fixtures/seat-framework.js";

describe("cluster-wide units on a real cluster", () => {
  const cleanup: Array<() => unknown> = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  const cluster = (options: Record<string, unknown>, agents = 2) => startTestCluster(cleanup, options, agents);

  async function framework(url: string, name: string, opts: FrameworkOptions = {}) {
    const fw = await SeatFramework.start(url, name, opts);
    cleanup.push(() => fw.close());
    return fw;
  }

  const seatsHeld = async (url: string) => scalarIn((await providerState(url)).used_resources, "matlab");

  it("frees seats when tasks finish, fail, are killed, or their agent is removed", async () => {
    const { master, agents } = await cluster({ licenses: { matlab: { count: 4, perOffer: 1 } } });
    const fw = await framework(master.url, "fw");
    await Promise.all([
      fw.launch("finishes", { cmd: "sleep 1", units: { matlab: 1 } }),
      fw.launch("fails", { cmd: "sleep 1; exit 3", units: { matlab: 1 } }),
      fw.launch("killed", { cmd: "sleep 60", units: { matlab: 1 } }),
      fw.launch("orphaned", { cmd: "sleep 60", units: { matlab: 1 } }),
    ]);
    for (const id of ["finishes", "fails", "killed", "orphaned"]) await fw.waitForState(id, "TASK_RUNNING");
    expect(await seatsHeld(master.url)).toBe(4);
    // Operators see the pool, its holders and the module in GET /modules and in Prometheus metrics.
    const modules = await getJson<{ modules: Array<{ name: string }>; resource_providers: Array<{ id: string; holders: unknown[]; details: { pools: Array<{ used: number }> } }> }>(`${master.url}/modules`);
    expect(modules.modules.map((m) => m.name)).toContain("@tessera/resource-licenses");
    expect(modules.resource_providers.find((p) => p.id === "licenses")).toMatchObject({ details: { pools: [{ used: 4 }] } });
    expect(modules.resource_providers[0]!.holders).toHaveLength(4);
    const metrics = await (await fetch(`${master.url}/metrics`)).text();
    expect(metrics).toContain('tessera_provider_resources{provider="licenses",resource="matlab",state="used"} 4');
    expect(metrics).toContain('tessera_provider_resources{provider="licenses",resource="matlab",state="total"} 4');

    expect((await fw.waitForEnd("finishes")).state).toBe("TASK_FINISHED");
    expect((await fw.waitForEnd("fails")).state).toBe("TASK_FAILED");
    await eventually("2 seats held", async () => (await seatsHeld(master.url)) === 2);

    await fw.client.kill("killed");
    expect((await fw.waitForEnd("killed")).state).toBe("TASK_KILLED");
    await eventually("1 seat held", async () => (await seatsHeld(master.url)) === 1);

    // The agent of "orphaned" leaves the cluster (as an agent does on UNREGISTER).
    const agentId = (await fw.waitForState("orphaned", "TASK_RUNNING")).agent_id!.value;
    const res = await fetch(`${master.url}${agentProtocol.AGENT_PROTOCOL_PATH}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ type: "UNREGISTER", agent_id: { value: agentId } }),
    });
    expect(res.status).toBe(202);
    expect((await fw.waitForEnd("orphaned")).state).toBe("TASK_LOST");
    await agents.find((a) => a.agentId() === agentId)!.stop({ killTasks: true });
    const state = await eventually("no seat held", async () => {
      const s = await providerState(master.url);
      return scalarIn(s.used_resources, "matlab") === 0 && s.details!.pools[0]!.used === 0 ? s : undefined;
    });
    expect(state.holders).toEqual([]);
    // All four are back in the pool, ready to be offered.
    const allocator = master.container.resolve<HierarchicalAllocator>(MASTER_TOKENS.Allocator);
    expect(allocator.available("provider:licenses")!.scalar("matlab")).toBe(4);
  }, 60_000);

  it("hands a task the IP addresses it took, in its environment and its labels", async () => {
    const { master, dir } = await cluster({ ipPools: { public: { cidrs: ["10.20.0.0/30"], exclude: ["10.20.0.0"], perOffer: 2 } } }, 1);
    const fw = await framework(master.url, "web");
    const out = join(dir, "ip.txt");
    const task = await fw.launch("web-1", { cmd: `printf '%s' "$TESSERA_IP_ADDRESSES $TESSERA_IP_ADDRESSES_PUBLIC" > ${out}`, addresses: { "ips.public": 2 } });
    const taken = task.resources!.find((r) => r.name === "ips.public")!.set!.item!;
    expect(taken).toHaveLength(2);
    expect((await fw.waitForEnd("web-1")).state).toBe("TASK_FINISHED");
    expect(await readFile(out, "utf8")).toBe(`${taken.join(",")} ${taken.join(",")}`);
    const state = await getJson<{ frameworks: Array<{ completed_tasks: Array<{ id: string; labels?: Array<{ key: string; value: string }> }> }> }>(`${master.url}/master/state`);
    const labels = state.frameworks[0]!.completed_tasks.find((t) => t.id === "web-1")!.labels;
    expect(labels).toContainEqual({ key: "org.tessera.ip_addresses.public", value: taken.join(",") });
  }, 60_000);

  it("DRF counts seats: a framework hogging the seats gets fewer offers", async () => {
    const { master } = await cluster({ licenses: { matlab: 3 } }, 2);
    const hog = await framework(master.url, "hog", { whenIdle: "decline" });
    await Promise.all([0, 1, 2].map((i) => hog.launch(`hog-${i}`, { cmd: "sleep 60", units: { matlab: 1 }, cpus: 0.1 })));
    for (const i of [0, 1, 2]) await hog.waitForState(`hog-${i}`, "TASK_RUNNING");
    const other = await framework(master.url, "other", { whenIdle: "decline" });
    const [h0, o0] = [hog.offers.length, other.offers.length];
    await new Promise((r) => setTimeout(r, 2000));
    const [h, o] = [hog.offers.length - h0, other.offers.length - o0];
    // Both decline everything at once; the one with the smaller dominant share is asked first.
    expect(o).toBeGreaterThan(10);
    expect(o).toBeGreaterThan(2 * h);
    const roles = await getJson<{ frameworks: Array<{ name: string; used_resources: Record<string, number> }> }>(`${master.url}/master/state`);
    expect(roles.frameworks.find((f) => f.name === "hog")!.used_resources.matlab).toBe(3);
  }, 60_000);

  it("respects a role's quota limit on seats and shows pools only to roles that may see them", async () => {
    const { master } = await cluster({ licenses: { matlab: 4, ansys: { count: 2, roles: ["cae"] } } }, 2);
    master.container.resolve<HierarchicalAllocator>(MASTER_TOKENS.Allocator).updateQuota("eng", { limits: { matlab: 1 } });
    const eng = await framework(master.url, "eng", { role: "eng" });
    const cae = await framework(master.url, "cae", { role: "cae/fluids" });
    await eng.launch("eng-1", { cmd: "sleep 60", units: { matlab: 1 } });
    await eng.waitForState("eng-1", "TASK_RUNNING");
    const queued = eng.launch("eng-2", { cmd: "sleep 60", units: { matlab: 1 } });
    await cae.launch("cae-1", { cmd: "sleep 60", units: { matlab: 2, ansys: 2 } });
    await cae.waitForState("cae-1", "TASK_RUNNING");
    await new Promise((r) => setTimeout(r, 1000));
    // eng is at its limit of 1 seat: its second task never gets an offer with a seat.
    expect(eng.statuses("eng-2")).toEqual([]);
    const name = (r: { name: string }) => r.name;
    expect(eng.offers.flatMap((o) => (o.resources ?? []).map(name))).not.toContain("ansys");
    expect(eng.offers.slice(-20).flatMap((o) => (o.resources ?? []).map(name))).not.toContain("matlab");
    const state = await providerState(master.url);
    expect(scalarIn(state.used_resources, "matlab")).toBe(3);
    expect(scalarIn(state.used_resources, "ansys")).toBe(2);
    void queued;
  }, 60_000);
});
