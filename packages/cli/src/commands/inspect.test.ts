import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { argv, captureIo } from "../__fixtures__/io.js";
import { jsonServer } from "../__fixtures__/json-server.js";
import { main } from "../program.js";

// A /master/state in the shape Mesos serves it.
const STATE = {
  version: "0.1.0",
  leader: "master@127.0.0.1:5050",
  slaves: [
    { id: "A1", hostname: "node-1", active: true, resources: { cpus: 4, mem: 4096, disk: 1000, ports: "[31000-32000]" }, used_resources: { cpus: 0.5, mem: 64 }, attributes: { rack: "a" } },
    { id: "A2", hostname: "node-2", active: false, resources: { cpus: 2, mem: 2048 }, used_resources: {} },
  ],
  frameworks: [
    {
      id: "F1",
      name: "web",
      active: true,
      roles: ["web", "batch"],
      used_resources: { cpus: 0.5, mem: 64 },
      tasks: [{ id: "t-run", name: "server", framework_id: "F1", slave_id: "A1", state: "TASK_RUNNING", resources: { cpus: 0.5, mem: 64 } }],
      completed_tasks: [{ id: "t-done", name: "setup", framework_id: "F1", slave_id: "A2", state: "TASK_FINISHED", resources: { cpus: 1, mem: 32 } }],
    },
  ],
  completed_frameworks: [{ id: "F0", name: "old", active: false, tasks: [], completed_tasks: [{ id: "t-old", framework_id: "F0", state: "TASK_KILLED" }] }],
};
const MODULES = {
  modules: [
    { name: "@acme/veto", version: "1.2.0", apiVersion: "^0.1.0", roles: ["master"], enabled_for: ["allocator"] },
    { name: "@acme/idle", version: "0.0.1", roles: ["agent"], enabled_for: [] },
  ],
  warnings: ['module "@acme/idle" is loaded but enabled for nothing'],
};

let server: Awaited<ReturnType<typeof jsonServer>>;
beforeAll(async () => {
  server = await jsonServer({ "/master/state": () => STATE, "/modules": () => MODULES });
});
afterAll(() => server.close());

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const c = captureIo({ TESSERA_MASTER: server.url });
  const code = await main(argv(...args), c.io);
  return { code, out: c.out(), err: c.err() };
}
const rows = (out: string): string[][] => out.trim().split("\n").map((l) => l.trim().split(/\s{2,}/));

describe("inspect commands", () => {
  it("agents: one row per agent with used/total resources, from $TESSERA_MASTER", async () => {
    const r = await cli("agents");
    expect(r.code).toBe(0);
    expect(rows(r.out)).toEqual([
      ["ID", "HOSTNAME", "ACTIVE", "CPUS", "MEM", "DISK", "PORTS", "ATTRIBUTES"],
      ["A1", "node-1", "yes", "0.5/4", "64/4096", "0/1000", "[31000-32000]", "rack:a"],
      ["A2", "node-2", "no", "0/2", "0/2048", "-", "-", "-"],
    ]);
  });

  it("tasks: running ones first, finished after; --active leaves finished out", async () => {
    const all = rows((await cli("tasks")).out);
    expect(all.map((r) => [r[0], r[2], r[3]])).toEqual([
      ["ID", "STATE", "FRAMEWORK"],
      ["t-run", "TASK_RUNNING", "web"],
      ["t-done", "TASK_FINISHED", "web"],
      ["t-old", "TASK_KILLED", "old"],
    ]);
    const active = rows((await cli("tasks", "--active")).out);
    expect(active.slice(1).map((r) => r[0])).toEqual(["t-run"]);
  });

  it("frameworks: active ones, and completed ones with --all", async () => {
    const r = rows((await cli("frameworks")).out);
    expect(r[1]).toEqual(["F1", "web", "yes", "web,batch", "1", "0.5", "64"]);
    expect(r).toHaveLength(2);
    expect(rows((await cli("frameworks", "--all")).out)).toHaveLength(3);
  });

  it("state: a summary counting agents, frameworks, tasks by state and resources", async () => {
    const r = await cli("state");
    expect(r.out).toContain("agents      1 active of 2");
    expect(r.out).toContain("tasks       running 1, finished 1, killed 1");
    expect(r.out).toContain("cpus        0.5 used of 6");
  });

  it("modules: what each is enabled for, flagging one enabled for nothing", async () => {
    const out = (await cli("modules")).out;
    const r = rows(out);
    expect(r[1]).toEqual(["@acme/veto", "1.2.0", "^0.1.0", "master", "allocator"]);
    expect(r[2]).toEqual(["@acme/idle", "0.0.1", "-", "agent", "nothing"]);
    expect(out).toContain('warning: module "@acme/idle" is loaded but enabled for nothing');
  });

  it("--json prints the endpoint's data as JSON", async () => {
    const r = await cli("agents", "--json");
    expect(JSON.parse(r.out)).toEqual(STATE.slaves);
  });
});
