import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeMaster } from "./__fixtures__/fake-master.js";
import { TestProcessContainerizer } from "./__fixtures__/test-parts.js";
import { startAgent, type AgentHandle } from "./start-agent.js";

const FW = "fw-1";
const RES = [
  { name: "cpus", type: "SCALAR", scalar: { value: 0.1 } },
  { name: "mem", type: "SCALAR", scalar: { value: 32 } },
];

describe("agent runtime against a master", () => {
  let workDir: string;
  let master: FakeMaster;
  let agents: AgentHandle[];
  let containerizers: TestProcessContainerizer[];

  const start = async (retryMs = 50) => {
    const containerizer = new TestProcessContainerizer();
    containerizers.push(containerizer);
    const a = await startAgent({
      masterUrl: master.url,
      port: 0,
      workDir,
      resources: "cpus:2;mem:1024;disk:1024;ports:[31000-31010]",
      attributes: "rack:a",
      logger: pino({ level: process.env.AGENT_TEST_LOG ?? "silent" }),
      statusUpdateRetry: { initialMs: retryMs, maxMs: retryMs * 4 },
      registrationBackoff: { initialMs: 20, maxMs: 100 },
      parts: { containerizer },
    });
    agents.push(a);
    await master.waitFor(() => a.agentId(), 5000, "registration");
    return a;
  };

  const runTask = (agentId: string, id: string, task: Record<string, unknown>) =>
    master.send({
      type: "RUN_TASK",
      run_task: {
        framework_id: { value: FW },
        framework_info: { user: "nobody", name: "test" },
        task: { name: id, task_id: { value: id }, agent_id: { value: agentId }, resources: RES, ...task },
      },
    });

  const terminalOf = (id: string) =>
    master.updates.find((u) => u.status.task_id.value === id && ["TASK_FINISHED", "TASK_FAILED", "TASK_KILLED", "TASK_ERROR", "TASK_LOST"].includes(u.status.state));

  const get = async (a: AgentHandle, path: string) => {
    const res = await fetch(a.url + path);
    return { status: res.status, body: await res.text() };
  };

  beforeEach(async () => {
    workDir = await mkdtemp(join(tmpdir(), "agent-"));
    master = new FakeMaster();
    await master.start();
    agents = [];
    containerizers = [];
  });
  afterEach(async () => {
    for (const a of agents) await a.stop({ killTasks: true }).catch(() => undefined);
    await master.stop();
    await rm(workDir, { recursive: true, force: true });
  });

  it("registers with its resources and attributes, runs `echo hi` to TASK_FINISHED, and serves the output", async () => {
    const a = await start();
    const reg = master.calls.find((c) => c.type === "REGISTER");
    if (reg?.type !== "REGISTER") throw new Error("no REGISTER");
    expect(reg.register.agent_info.resources.map((r) => r.name).sort()).toEqual(["cpus", "disk", "mem", "ports"]);
    expect(reg.register.agent_info.attributes).toEqual([{ name: "rack", type: "TEXT", text: { value: "a" } }]);

    runTask(a.agentId()!, "echo", { command: { value: "echo hi" } });
    const done = await master.waitFor(() => terminalOf("echo"), 10_000, "echo to end");
    expect(master.statesOf("echo")).toEqual(["TASK_STARTING", "TASK_RUNNING", "TASK_FINISHED"]);
    expect(done.status.message).toMatch(/status 0/);
    expect(done.status.agent_id).toEqual({ value: a.agentId() });
    expect(Buffer.from(done.status.uuid!, "base64")).toHaveLength(16);

    const sandbox = containerizers[0]!.launches[0]!.sandbox;
    expect(await readFile(join(sandbox, "stdout"), "utf8")).toBe("hi\n");
    const read = await get(a, `/files/read?path=${encodeURIComponent("/tasks/echo/stdout")}&offset=0`);
    expect(read.status).toBe(200);
    expect(JSON.parse(read.body)).toEqual({ data: "hi\n", offset: 0 });
    const cid = containerizers[0]!.launches[0]!.containerId;
    const mesosPath = `/frameworks/${FW}/executors/echo/runs/${cid}/stdout`;
    expect(JSON.parse((await get(a, `/files/read?path=${encodeURIComponent(mesosPath)}&offset=-1`)).body)).toEqual({ data: "", offset: 3 });
  });

  it("re-sends each status update until acknowledged, and the next only after that", async () => {
    master.ackAfterDeliveries = 3;
    const a = await start(30);
    runTask(a.agentId()!, "t", { command: { value: "true" } });
    await master.waitFor(() => terminalOf("t") && master.updates.filter((u) => u.status.task_id.value === "t").length >= 9, 10_000, "all deliveries");
    const seq = master.updates.filter((u) => u.status.task_id.value === "t").map((u) => u.status.state);
    expect(seq.slice(0, 9)).toEqual([
      ...Array(3).fill("TASK_STARTING"),
      ...Array(3).fill("TASK_RUNNING"),
      ...Array(3).fill("TASK_FINISHED"),
    ]);
    const uuids = new Set(master.updates.filter((u) => u.status.task_id.value === "t").map((u) => u.status.uuid));
    expect(uuids.size).toBe(3);
  });

  it("kills a task with KILL_TASK and reports TASK_KILLED", async () => {
    const a = await start();
    runTask(a.agentId()!, "sleeper", { command: { value: "sleep 30" } });
    await master.waitFor(() => master.statesOf("sleeper").includes("TASK_RUNNING"), 10_000, "RUNNING");
    master.send({ type: "KILL_TASK", kill_task: { framework_id: { value: FW }, task_id: { value: "sleeper" }, kill_policy: { grace_period: { nanoseconds: 100_000_000 } } } });
    const end = await master.waitFor(() => terminalOf("sleeper"), 10_000, "KILLED");
    expect(end.status.state).toBe("TASK_KILLED");
    expect(master.statesOf("sleeper")).toEqual(["TASK_STARTING", "TASK_RUNNING", "TASK_KILLED"]);
  });

  it("answers a bad task with TASK_ERROR naming the problem and keeps serving", async () => {
    const a = await start();
    runTask(a.agentId()!, "bad", { command: undefined });
    runTask(a.agentId()!, "bad-res", { command: { value: "true" }, resources: [{ name: "ports", type: "RANGES", ranges: { range: [{ begin: 31000, end: 30000 }] } }] });
    const bad = await master.waitFor(() => terminalOf("bad"), 5000, "TASK_ERROR");
    expect(bad.status).toMatchObject({ state: "TASK_ERROR", reason: "REASON_TASK_INVALID", source: "SOURCE_AGENT" });
    expect(bad.status.message).toContain("run_task.task: needs command or container");
    const badRes = await master.waitFor(() => terminalOf("bad-res"), 5000, "TASK_ERROR");
    expect(badRes.status.message).toMatch(/run_task\.task\.resources\[0\].*31000-30000/);
    expect(containerizers[0]!.launches).toHaveLength(0);

    const health = await get(a, "/health");
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ healthy: true, agent_id: a.agentId() });
    runTask(a.agentId()!, "good", { command: { value: "true" } });
    expect((await master.waitFor(() => terminalOf("good"), 10_000, "good")).status.state).toBe("TASK_FINISHED");
  });

  it("refuses /files paths that climb out with ..", async () => {
    const a = await start();
    runTask(a.agentId()!, "echo", { command: { value: "echo hi" } });
    await master.waitFor(() => terminalOf("echo"), 10_000, "echo");
    for (const p of ["/tasks/echo/../../../../etc/passwd", `/frameworks/${FW}/executors/echo/runs/latest/../../../../../meta/agent.json`]) {
      const res = await get(a, `/files/read?offset=0&path=${encodeURIComponent(p)}`);
      expect(res.status).toBe(400);
      expect(res.body).toContain('".." is not allowed');
    }
    expect((await get(a, "/files/read?offset=0&path=/tasks/nope/stdout")).status).toBe(404);
  });

  it("reports state and per-container statistics", async () => {
    const a = await start();
    a.hooks.isolation.usage.tapPromise("test", async (_c, sink) => void sink.set("mem_rss_bytes", 1234));
    runTask(a.agentId()!, "sleeper", { command: { value: "sleep 30" } });
    await master.waitFor(() => master.statesOf("sleeper").includes("TASK_RUNNING"), 10_000, "RUNNING");
    const state = JSON.parse((await get(a, "/state")).body);
    expect(state).toMatchObject({ id: a.agentId(), resources: { cpus: 2, mem: 1024, ports: "[31000-31010]" }, attributes: { rack: "a" } });
    expect(state.frameworks[0].executors[0].tasks[0]).toMatchObject({ id: "sleeper", state: "TASK_RUNNING" });
    const stats = JSON.parse((await get(a, "/monitor/statistics")).body);
    expect(stats).toHaveLength(1);
    expect(stats[0]).toMatchObject({ framework_id: FW, executor_id: "sleeper", statistics: { cpus_limit: 0.1, mem_rss_bytes: 1234 } });
  });

  it("re-registers with the same id after a restart and re-attaches to a running task", async () => {
    const first = await start();
    const id = first.agentId()!;
    runTask(id, "long", { command: { value: "sleep 30" } });
    await master.waitFor(() => master.statesOf("long").includes("TASK_RUNNING"), 10_000, "RUNNING");
    const pid = containerizers[0]!.launches.length && (await master.waitFor(() => first.agent.tasks.all()[0]?.pid));
    await first.stop();
    agents.splice(agents.indexOf(first), 1);
    expect(() => process.kill(pid as number, 0)).not.toThrow(); // still running while no agent watches

    const second = await start();
    expect(second.agentId()).toBe(id);
    const re = await master.waitFor(() => master.calls.find((c) => c.type === "REREGISTER"), 5000, "REREGISTER");
    if (re.type !== "REREGISTER") throw new Error("unreachable");
    expect(re.agent_id.value).toBe(id);
    expect(re.reregister.tasks.map((t) => [t.task_id.value, t.state])).toEqual([["long", "TASK_RUNNING"]]);
    expect(re.reregister.frameworks.map((f) => f.id?.value)).toEqual([FW]);

    master.send({ type: "KILL_TASK", kill_task: { framework_id: { value: FW }, task_id: { value: "long" } } });
    const end = await master.waitFor(() => terminalOf("long"), 10_000, "KILLED after restart");
    expect(end.status.state).toBe("TASK_KILLED");
    expect(() => process.kill(pid as number, 0)).toThrow();
  });
});
