import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import type { SchedulerEvent } from "../api/scheduler/events.js";
import { MemorySink } from "./event-sink.js";
import { startMaster, type RunningMaster } from "./start-master.js";

const silent = pino({ level: "silent" });

describe("startMaster", () => {
  const cleanup: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });
  const start = async (opts: Parameters<typeof startMaster>[0]) => {
    const m = await startMaster({ port: 0, logger: silent, ...opts });
    cleanup.push(() => m.stop());
    return m;
  };
  const post = (m: RunningMaster, path: string, body: unknown) =>
    fetch(`${m.url}${path}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });

  it("recovers admitted agents and frameworks from its SQLite registry after a restart", async () => {
    const workDir = await mkdtemp(join(tmpdir(), "tessera-master-"));
    cleanup.push(() => rm(workDir, { recursive: true, force: true }));
    const first = await startMaster({ port: 0, logger: silent, workDir });
    const abort = new AbortController();
    const res = await fetch(`${first.url}/internal/agent`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ type: "REGISTER", register: { agent_info: { hostname: "h1", port: 5051, resources: [{ name: "cpus", type: "SCALAR", scalar: { value: 1 } }] } } }),
      signal: abort.signal,
    });
    expect(res.status).toBe(200);
    const agentId = [...first.master.agents.keys()][0]!;
    const fw = await first.master.subscribe(
      { type: "SUBSCRIBE", framework_id: undefined, subscribe: { framework_info: { user: "u", name: "durable", role: "web", failover_timeout: 3600 } } },
      { send: () => true, close: () => {}, closed: false },
    );
    abort.abort();
    await first.stop();

    const second = await start({ workDir });
    expect([...second.master.recoveredAgents.keys()]).toEqual([agentId]);
    expect(second.master.frameworks.get(fw.frameworkId)).toMatchObject({ connected: false, info: { name: "durable" } });
    const reregister = await post(second, "/internal/agent", {
      type: "REREGISTER",
      agent_id: { value: agentId },
      reregister: { agent_info: { hostname: "h1", port: 5051, resources: [{ name: "cpus", type: "SCALAR", scalar: { value: 1 } }] } },
    });
    expect(reregister.status).toBe(200);
    await reregister.body?.cancel();
    expect(second.master.agents.has(agentId)).toBe(true);
    expect(second.master.recoveredAgents.size).toBe(0);
  });

  it("a master that is not leading redirects scheduler calls to the leader with 307", async () => {
    const m = await start({ registry: "memory", leader: { isLeader: () => false, leaderUrl: () => "http://leader.example:5050" } });
    const res = await fetch(`${m.url}/api/v1/scheduler`, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}", redirect: "manual" });
    expect(res.status).toBe(307);
    expect(res.headers.get("location")).toBe("http://leader.example:5050/api/v1/scheduler");
  });

  it("refuses to start on a bad modules config, naming the module", async () => {
    await expect(
      startMaster({ port: 0, logger: silent, registry: "memory", config: { modules: [{ name: "./does-not-exist.js", enabled_for: ["allocation"], options: {} }] } }),
    ).rejects.toThrow(/does-not-exist/);
  });

  it("passes allocation through module hooks loaded from config, and lists the module on GET /modules", async () => {
    const m = await start({
      registry: "memory",
      allocationIntervalMs: 20,
      configBaseDir: fileURLToPath(new URL("./__fixtures__/", import.meta.url)),
      config: { modules: [{ name: "./veto-hostname.js", enabled_for: ["allocation"], options: { hostname: "vetoed" } }] },
    });
    const listed = (await (await fetch(`${m.url}/modules`)).json()) as { modules: Array<{ name: string; enabled_for: string[] }> };
    expect(listed.modules.map((x) => [x.name, x.enabled_for])).toEqual([["@fixture/veto-hostname", ["allocation"]]]);

    const register = (hostname: string) =>
      m.master.registerAgent(
        { type: "REGISTER", register: { agent_info: { hostname, port: 5051, resources: [{ name: "cpus", type: "SCALAR", scalar: { value: 1 } }, { name: "mem", type: "SCALAR", scalar: { value: 256 } }], attributes: [] }, version: "1.0.0" } },
        new MemorySink(),
      );
    await register("vetoed");
    const allowed = await register("allowed");
    const sink = new MemorySink<SchedulerEvent>();
    await m.master.subscribe({ type: "SUBSCRIBE", framework_id: undefined, subscribe: { framework_info: { user: "u", name: "f", role: "web" } } }, sink);
    m.master.allocate();
    const offered = sink.events.flatMap((e) => (e.type === "OFFERS" ? (e.offers.offers ?? []) : [])).map((o) => o.agent_id.value);
    expect(new Set(offered)).toEqual(new Set([allowed.agentId]));
  });
});
