import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { AgentInfo } from "../api/agent-protocol/common.js";
import type * as m from "../api/mesos/index.js";
import { RegistryCorruptError, RegistryError } from "./errors.js";
import { MemoryStorage } from "./memory-storage.js";
import { Registry } from "./registry.js";
import { SqliteStorage } from "./sqlite-storage.js";
import { VersionConflictError } from "./storage.js";

const info = (hostname: string): AgentInfo => ({ hostname, port: 5051, resources: [{ name: "cpus", type: "SCALAR", scalar: { value: 4 } }], attributes: [] });
const fw = (name: string, failover?: number): m.FrameworkInfo => ({ user: "root", name, ...(failover === undefined ? {} : { failover_timeout: failover }) });

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("Registry agents", () => {
  it("recovers admitted, unreachable and gone agents in their own lists", async () => {
    const r = new Registry(new MemoryStorage());
    await r.admitAgent("a1", info("h1"));
    await r.admitAgent("a2", info("h2"));
    await r.admitAgent("a3", info("h3"));
    await r.markUnreachable("a2", 5000);
    await r.markGone("a3");
    expect(await r.recover()).toEqual({
      agents: [{ id: "a1", info: info("h1") }],
      unreachable: [{ id: "a2", info: info("h2"), since: 5000 }],
      gone: ["a3"],
      frameworks: [],
    });
  });

  it("brings an unreachable agent back with its new info, keeping when it was first admitted", async () => {
    const c = clock();
    const r = new Registry(new MemoryStorage(), { now: c.now });
    await r.admitAgent("a1", info("old-name"));
    c.advance(60_000);
    await r.markUnreachable("a1", c.now());
    await r.markReachable("a1", info("new-name"));
    const a = await r.agent("a1");
    expect(a).toMatchObject({ state: "admitted", hostname: "new-name", admittedAt: 1_000_000 });
    expect(a?.unreachableSince).toBeUndefined();
  });

  it("never lets a gone agent back in, and says when it went", async () => {
    const r = new Registry(new MemoryStorage(), { now: () => Date.UTC(2024, 0, 2) });
    await r.admitAgent("a1", info("h1"));
    await r.markGone("a1");
    await expect(r.admitAgent("a1", info("h1"))).rejects.toThrow(
      'registry: admitAgent: agent "a1" was marked gone at 2024-01-02T00:00:00.000Z and may not come back',
    );
    await expect(r.markReachable("a1", info("h1"))).rejects.toBeInstanceOf(RegistryError);
    await expect(r.markUnreachable("a1", 1)).rejects.toBeInstanceOf(RegistryError);
  });

  it("refuses to mark an agent it never admitted", async () => {
    const r = new Registry(new MemoryStorage());
    await expect(r.markUnreachable("ghost", 1)).rejects.toThrow('registry: markUnreachable: agent "ghost" is not in the registry');
    await expect(r.markGone("ghost")).rejects.toThrow('registry: markGone: agent "ghost" is not in the registry');
  });

  it("forgets a removed agent so it may register anew", async () => {
    const r = new Registry(new MemoryStorage());
    await r.admitAgent("a1", info("h1"));
    await r.removeAgent("a1");
    await r.removeAgent("a1");
    expect(await r.agent("a1")).toBeUndefined();
    await r.admitAgent("a1", info("h1"));
    expect((await r.recover()).agents.map((a) => a.id)).toEqual(["a1"]);
  });

  it("fails a write when another master changed the same agent since it was read", async () => {
    const storage = new MemoryStorage();
    const leader = new Registry(storage);
    const stale = new Registry(storage);
    await leader.admitAgent("a1", info("h1"));
    const results = await Promise.allSettled([leader.markUnreachable("a1", 10), stale.markGone("a1")]);
    const failed = results.filter((x) => x.status === "rejected");
    expect(failed).toHaveLength(1);
    expect((failed[0] as PromiseRejectedResult).reason).toBeInstanceOf(VersionConflictError);
  });
});

describe("Registry frameworks", () => {
  it("keeps the first registration time and the failover timeout across re-registration and update", async () => {
    const c = clock();
    const r = new Registry(new MemoryStorage(), { now: c.now });
    await r.addFramework("f1", fw("spark", 3600));
    c.advance(1000);
    await r.addFramework("f1", fw("spark", 7200));
    c.advance(1000);
    await r.updateFramework("f1", fw("spark-renamed", 0.5));
    expect(await r.framework("f1")).toMatchObject({ registeredAt: 1_000_000, updatedAt: 1_002_000, failoverTimeoutMs: 500 });
    expect((await r.recover()).frameworks).toEqual([{ id: "f1", info: fw("spark-renamed", 0.5) }]);
  });

  it("refuses to update a framework that is not registered, and removes idempotently", async () => {
    const r = new Registry(new MemoryStorage());
    await expect(r.updateFramework("f9", fw("x"))).rejects.toThrow('registry: updateFramework: framework "f9" is not registered');
    await r.addFramework("f1", fw("x"));
    await r.removeFramework("f1");
    await r.removeFramework("f1");
    expect((await r.recover()).frameworks).toEqual([]);
  });
});

describe("Registry module state", () => {
  it("gives each module its own namespace that the master's records never see", async () => {
    const storage = new MemoryStorage();
    const r = new Registry(storage);
    const licenses = r.moduleState("@tessera/resource-licenses");
    const other = r.moduleState("@tessera/resource-licenses-extra");
    await licenses.put("seats/matlab", '{"held":3}');
    await other.put("seats/matlab", '{"held":9}');
    await r.admitAgent("a1", info("h1"));

    expect((await licenses.get("seats/matlab"))?.value).toBe('{"held":3}');
    expect((await licenses.list("")).map((e) => e.key)).toEqual(["seats/matlab"]);
    expect(await licenses.get("agents/a1")).toBeUndefined();
    expect(await r.recover()).toMatchObject({ agents: [{ id: "a1" }], frameworks: [] });
    expect((await storage.list("modules/")).map((e) => e.key)).toEqual([
      "modules/%40tessera%2Fresource-licenses-extra/seats/matlab",
      "modules/%40tessera%2Fresource-licenses/seats/matlab",
    ]);
  });
});

describe("Registry corrupt values", () => {
  it("names the key of a value that is not JSON", async () => {
    const storage = new MemoryStorage();
    await storage.put("agents/a1", "{truncated");
    const r = new Registry(storage);
    await expect(r.recover()).rejects.toBeInstanceOf(RegistryCorruptError);
    await expect(r.recover()).rejects.toThrow(/registry: value at "agents\/a1" is corrupt: not JSON/);
  });

  it("names the key and the field of a value that has the wrong shape", async () => {
    const storage = new MemoryStorage();
    const r = new Registry(storage);
    await r.addFramework("f1", fw("ok"));
    await storage.put("frameworks/f2", JSON.stringify({ id: "f2", info: { user: "u", name: 7 }, registeredAt: 1, failoverTimeoutMs: 0 }));
    await expect(r.recover()).rejects.toThrow('registry: value at "frameworks/f2" is corrupt: info.name: expected string, got number 7');
    await storage.put("agents/a1", JSON.stringify({ id: "a1", hostname: "h", info: info("h"), state: "lost", admittedAt: 1 }));
    await expect(r.admitAgent("a1", info("h"))).rejects.toThrow('value at "agents/a1" is corrupt: state: expected one of "admitted", "unreachable", "gone", got string "lost"');
  });
});

describe("Registry on SQLite", () => {
  it("recovers what an earlier master wrote to the same file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tessera-registry-"));
    dirs.push(dir);
    const file = join(dir, "registry.sqlite");
    const first = new Registry(new SqliteStorage(file));
    await first.admitAgent("a1", info("h1"));
    await first.addFramework("f1", fw("spark", 60));
    await first.moduleState("licenses").put("seats", "3");
    await first.close();

    const second = new Registry(new SqliteStorage(file));
    expect(await second.recover()).toEqual({ agents: [{ id: "a1", info: info("h1") }], unreachable: [], gone: [], frameworks: [{ id: "f1", info: fw("spark", 60) }] });
    expect((await second.moduleState("licenses").get("seats"))?.value).toBe("3");
    await second.close();
  });
});
