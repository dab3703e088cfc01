import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AgentHarness, FW } from "./__fixtures__/agent-harness.js";

describe("agent runtime against a master", () => {
  let h: AgentHarness;
  beforeEach(async () => {
    h = await new AgentHarness().setUp();
  });
  afterEach(() => h.tearDown());

  it("registers with its resources and attributes, runs `echo hi` to TASK_FINISHED, and serves the output", async () => {
    const a = await h.start();
    const reg = h.master.calls.find((c) => c.type === "REGISTER");
    if (reg?.type !== "REGISTER") throw new Error("no REGISTER");
    expect(reg.register.agent_info.resources.map((r) => r.name).sort()).toEqual(["cpus", "disk", "mem", "ports"]);
    expect(reg.register.agent_info.attributes).toEqual([{ name: "rack", type: "TEXT", text: { value: "a" } }]);

    h.runTask(a.agentId()!, "echo", { command: { value: "echo hi" } });
    const done = await h.waitTerminal("echo");
    expect(h.master.statesOf("echo")).toEqual(["TASK_STARTING", "TASK_RUNNING", "TASK_FINISHED"]);
    expect(done.status.message).toMatch(/status 0/);
    expect(done.status.agent_id).toEqual({ value: a.agentId() });
    expect(Buffer.from(done.status.uuid!, "base64")).toHaveLength(16);

    const { sandbox, containerId } = h.launches[0]!;
    expect(await readFile(join(sandbox, "stdout"), "utf8")).toBe("hi\n");
    const read = await h.get(a, `/files/read?path=${encodeURIComponent("/tasks/echo/stdout")}&offset=0`);
    expect(read.status).toBe(200);
    expect(JSON.parse(read.body)).toEqual({ data: "hi\n", offset: 0 });
    const mesosPath = `/frameworks/${FW}/executors/echo/runs/${containerId}/stdout`;
    expect(JSON.parse((await h.get(a, `/files/read?path=${encodeURIComponent(mesosPath)}&offset=-1`)).body)).toEqual({ data: "", offset: 3 });
    const browsed = await h.get(a, `/files/browse?path=/tasks/echo`);
    expect(browsed.status).toBe(200);
    const listing = JSON.parse(browsed.body) as Array<{ path: string }>;
    expect(listing.map((e) => e.path)).toContain("/tasks/echo/stdout");

    // Once acknowledged, the task is listed as completed, as in Mesos's /state.
    await h.master.waitFor(() => a.agent.tasks.all().length === 0, 5000, "the task to be acknowledged");
    const state = JSON.parse((await h.get(a, "/state")).body);
    expect(state.frameworks).toEqual([]);
    expect(state.completed_frameworks[0].completed_executors[0]).toMatchObject({
      id: "echo",
      container: containerId,
      completed_tasks: [{ id: "echo", state: "TASK_FINISHED" }],
    });
  });

  it("sends the updates that become ready together as one STATUS_UPDATES call, one update per task in flight", async () => {
    const a = await h.start();
    const ids = ["b0", "b1", "b2", "b3", "b4", "b5"];
    for (const id of ids) h.runTask(a.agentId()!, id, { command: { value: "true" } });
    for (const id of ids) await h.waitTerminal(id);
    const batches = h.master.calls.flatMap((c) => (c.type === "STATUS_UPDATES" ? [c.status_updates.updates] : []));
    expect(batches.some((b) => b.length > 1)).toBe(true);
    for (const b of batches) {
      const tasks = b.map((u) => u.status.task_id.value);
      expect(new Set(tasks).size).toBe(tasks.length);
    }
    for (const id of ids) expect(h.master.statesOf(id)).toEqual(["TASK_STARTING", "TASK_RUNNING", "TASK_FINISHED"]);
  });

  it("re-sends each status update until acknowledged, and the next only after that", async () => {
    h.master.ackAfterDeliveries = 3;
    const a = await h.start({}, 30);
    h.runTask(a.agentId()!, "t", { command: { value: "true" } });
    const ofT = () => h.master.updates.filter((u) => u.status.task_id.value === "t");
    await h.master.waitFor(() => h.terminalOf("t") && ofT().length >= 9, 10_000, "all deliveries");
    // Each update is delivered until its 3rd delivery is acknowledged (a retry may cross the ack on
    // a busy machine), and none of the next leaves before: the deliveries never interleave.
    const seq = ofT().map((u) => u.status.state);
    const runs = seq.reduce<Array<[string, number]>>((acc, st) => {
      const last = acc[acc.length - 1];
      if (last && last[0] === st) last[1]++;
      else acc.push([st, 1]);
      return acc;
    }, []);
    expect(runs.map(([st]) => st)).toEqual(["TASK_STARTING", "TASK_RUNNING", "TASK_FINISHED"]);
    for (const [, n] of runs.slice(0, 2)) expect(n).toBeGreaterThanOrEqual(3);
    expect(new Set(ofT().map((u) => u.status.uuid)).size).toBe(3);
  });

  it("kills a task with KILL_TASK and reports TASK_KILLED", async () => {
    const a = await h.start();
    h.runTask(a.agentId()!, "sleeper", { command: { value: "sleep 30" } });
    await h.waitState("sleeper", "TASK_RUNNING");
    h.kill("sleeper", 100);
    expect((await h.waitTerminal("sleeper")).status.state).toBe("TASK_KILLED");
    expect(h.master.statesOf("sleeper")).toEqual(["TASK_STARTING", "TASK_RUNNING", "TASK_KILLED"]);
  });

  it("answers a bad task with TASK_ERROR naming the problem and keeps serving", async () => {
    const a = await h.start();
    h.runTask(a.agentId()!, "bad", { command: undefined });
    h.runTask(a.agentId()!, "bad-res", {
      command: { value: "true" },
      resources: [{ name: "ports", type: "RANGES", ranges: { range: [{ begin: 31000, end: 30000 }] } }],
    });
    const bad = await h.waitTerminal("bad");
    expect(bad.status).toMatchObject({ state: "TASK_ERROR", reason: "REASON_TASK_INVALID", source: "SOURCE_AGENT" });
    expect(bad.status.message).toContain("run_task.task: needs command or container");
    expect((await h.waitTerminal("bad-res")).status.message).toMatch(/run_task\.task\.resources\[0\].*31000-30000/);
    expect(h.launches).toHaveLength(0);

    const health = await h.get(a, "/health");
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ healthy: true, agent_id: a.agentId() });
    h.runTask(a.agentId()!, "good", { command: { value: "true" } });
    expect((await h.waitTerminal("good")).status.state).toBe("TASK_FINISHED");
  });

  it("refuses /files paths that climb out with ..", async () => {
    const a = await h.start();
    h.runTask(a.agentId()!, "echo", { command: { value: "echo hi" } });
    await h.waitTerminal("echo");
    for (const p of ["/tasks/echo/../../../../etc/passwd", `/frameworks/${FW}/executors/echo/runs/latest/../../../../../meta/agent.json`]) {
      const res = await h.get(a, `/files/read?offset=0&path=${encodeURIComponent(p)}`);
      expect(res.status).toBe(400);
      expect(res.body).toContain('".." is not allowed');
    }
    expect((await h.get(a, "/files/read?offset=0&path=/tasks/nope/stdout")).status).toBe(404);
  });

  it("reports state and per-container statistics", async () => {
    const a = await h.start();
    a.hooks.isolation.usage.tapPromise("test", async (_c, sink) => void sink.set("mem_rss_bytes", 1234));
    h.runTask(a.agentId()!, "sleeper", { command: { value: "sleep 30" } });
    await h.waitState("sleeper", "TASK_RUNNING");
    const state = JSON.parse((await h.get(a, "/state")).body);
    expect(state).toMatchObject({ id: a.agentId(), resources: { cpus: 2, mem: 1024, ports: "[31000-31010]" }, attributes: { rack: "a" } });
    expect(state.frameworks[0].executors[0].tasks[0]).toMatchObject({ id: "sleeper", state: "TASK_RUNNING" });
    const stats = JSON.parse((await h.get(a, "/monitor/statistics")).body);
    expect(stats).toHaveLength(1);
    expect(stats[0]).toMatchObject({ framework_id: FW, executor_id: "sleeper", statistics: { cpus_limit: 0.1, mem_rss_bytes: 1234 } });
  });

  it("re-registers with the same id after a restart and re-attaches to a running task", async () => {
    const first = await h.start();
    const id = first.agentId()!;
    h.runTask(id, "long", { command: { value: "sleep 30" } });
    await h.waitState("long", "TASK_RUNNING");
    const pid = (await h.master.waitFor(() => first.agent.tasks.all()[0]?.pid))!;
    await h.crash(first);
    expect(() => process.kill(pid, 0)).not.toThrow(); // still running while no agent watches

    const second = await h.start();
    expect(second.agentId()).toBe(id);
    const re = await h.master.waitFor(() => h.master.calls.find((c) => c.type === "REREGISTER"), 5000, "REREGISTER");
    if (re.type !== "REREGISTER") throw new Error("unreachable");
    expect(re.agent_id.value).toBe(id);
    expect(re.reregister.tasks.map((t) => [t.task_id.value, t.state])).toEqual([["long", "TASK_RUNNING"]]);
    expect(re.reregister.frameworks.map((f) => f.id?.value)).toEqual([FW]);

    h.kill("long");
    expect((await h.waitTerminal("long")).status.state).toBe("TASK_KILLED");
    expect(() => process.kill(pid, 0)).toThrow();
  });
});
