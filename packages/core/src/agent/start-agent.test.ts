import { readFile } from "node:fs/promises";
import { cpus } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AgentHarness, FW } from "./__fixtures__/agent-harness.js";
import { startAgent } from "./start-agent.js";

const fixtures = fileURLToPath(new URL("./__fixtures__/", import.meta.url));

describe("startAgent", () => {
  let h: AgentHarness;
  beforeEach(async () => {
    h = await new AgentHarness().setUp();
  });
  afterEach(() => h.tearDown());

  it("advertises detected resources when none are given", async () => {
    await h.start({ resources: undefined });
    const reg = h.master.calls.find((c) => c.type === "REGISTER");
    if (reg?.type !== "REGISTER") throw new Error("no REGISTER");
    const byName = Object.fromEntries(reg.register.agent_info.resources.map((r) => [r.name, r]));
    expect(byName.cpus).toMatchObject({ scalar: { value: cpus().length } });
    expect(byName.ports).toMatchObject({ ranges: { range: [{ begin: 31000, end: 32000 }] } });
    expect(Object.keys(byName).sort()).toEqual(["cpus", "disk", "mem", "ports"]);
  });

  it("refuses bad --resources and --attributes before anything starts", async () => {
    const base = { masterUrl: h.master.url, port: 0, workDir: h.workDir, logger: pino({ level: "silent" }) };
    await expect(startAgent({ ...base, resources: "cpus:2;ports:[32000-31000]" })).rejects.toThrow(/^--resources: .*32000-31000/);
    await expect(startAgent({ ...base, resources: "cpus:1", attributes: "rack" })).rejects.toThrow('--attributes[0] "rack": expected name:value');
    expect(h.master.calls).toEqual([]);
  });

  it("loads modules from config, runs tasks through them, and lists them on /modules", async () => {
    const a = await h.start({
      configBaseDir: fixtures,
      config: { modules: [{ name: "./env-isolator.js", enabled_for: ["isolation"], options: { name: "GREETING", value: "hello" } }] },
    });
    h.runTask(a.agentId()!, "greet", { command: { value: 'echo "$GREETING"' } });
    await h.waitTerminal("greet");
    expect(await readFile(join(h.launches[0]!.sandbox, "stdout"), "utf8")).toBe("hello\n");
    const modules = JSON.parse((await h.get(a, "/modules")).body);
    expect(modules).toMatchObject([{ name: "@fixture/env-isolator", version: "1.2.3", enabled_for: ["isolation"] }]);
  });

  it("tells agent modules its work dir, hostname, resources and attributes when it starts", async () => {
    await h.start({ configBaseDir: fixtures, config: { modules: [{ name: "./start-info-recorder.js", enabled_for: ["agentLifecycle"], options: {} }] } });
    const info = JSON.parse(await readFile(join(h.workDir, "start-info.json"), "utf8"));
    const byName = Object.fromEntries(info.resources.map((r: { name: string }) => [r.name, r]));
    expect(byName).toMatchObject({ cpus: { scalar: { value: 2 } }, mem: { scalar: { value: 1024 } }, ports: { ranges: { range: [{ begin: 31000, end: 31010 }] } } });
    expect(info.attributes).toEqual([{ name: "rack", type: "TEXT", text: { value: "a" } }]);
    expect(typeof info.hostname).toBe("string");
  });

  it("refuses a bad module config naming the module, and never registers", async () => {
    await expect(
      startAgent({
        masterUrl: h.master.url,
        port: 0,
        workDir: h.workDir,
        resources: "cpus:1;mem:128",
        logger: pino({ level: "silent" }),
        configBaseDir: fixtures,
        config: { modules: [{ name: "./env-isolator.js", enabled_for: ["isolation"], options: { name: "X" } }] },
      }),
    ).rejects.toThrow(/@fixture\/env-isolator.*value/);
    await new Promise((r) => setTimeout(r, 100));
    expect(h.master.calls).toEqual([]);
  });

  it("fires the lifecycle hooks: registered, taskStatus for each update, stopping", async () => {
    const seen: string[] = [];
    const a = await h.start();
    a.hooks.agentLifecycle.taskStatus.tap("t", (s, c) => void seen.push(`${c.taskId}:${s.state}`));
    a.hooks.agentLifecycle.taskRemoved.tap("t", (c) => void seen.push(`${c.taskId}:removed`));
    a.hooks.agentLifecycle.stopping.tapPromise("t", async () => void seen.push("stopping"));
    h.runTask(a.agentId()!, "t1", { command: { value: "true" } });
    await h.waitTerminal("t1");
    await h.master.waitFor(() => seen.includes("t1:removed"), 5000, "taskRemoved");
    await h.crash(a);
    expect(seen).toEqual(["t1:TASK_STARTING", "t1:TASK_RUNNING", "t1:TASK_FINISHED", "t1:removed", "stopping"]);
  });

  it("kills every task of a framework on SHUTDOWN_FRAMEWORK", async () => {
    const a = await h.start();
    h.runTask(a.agentId()!, "s1", { command: { value: "sleep 30" } });
    h.runTask(a.agentId()!, "s2", { command: { value: "sleep 30" } });
    await h.waitState("s1", "TASK_RUNNING");
    await h.waitState("s2", "TASK_RUNNING");
    h.master.send({ type: "SHUTDOWN_FRAMEWORK", shutdown_framework: { framework_id: { value: FW } } });
    expect((await h.waitTerminal("s1")).status.state).toBe("TASK_KILLED");
    expect((await h.waitTerminal("s2")).status.state).toBe("TASK_KILLED");
  });

  it("answers RECONCILE_TASKS with the latest known state, and TASK_LOST for tasks it does not know", async () => {
    const a = await h.start();
    h.runTask(a.agentId()!, "r1", { command: { value: "sleep 30" } });
    await h.waitState("r1", "TASK_RUNNING");
    await h.master.waitFor(() => a.agent.tasks.all()[0] && h.master.updates.length >= 2, 5000, "acks");
    const before = h.master.updates.length;
    h.master.send({ type: "RECONCILE_TASKS", reconcile_tasks: { framework_id: { value: FW }, tasks: [{ task_id: { value: "r1" } }, { task_id: { value: "ghost" } }] } });
    await h.master.waitFor(() => h.master.updates.length >= before + 2, 5000, "reconciliation answers");
    const answers = h.master.updates.slice(before).map((u) => [u.status.task_id.value, u.status.state, u.status.reason, u.status.uuid]);
    expect(answers).toEqual(
      expect.arrayContaining([
        ["r1", "TASK_RUNNING", "REASON_RECONCILIATION", undefined],
        ["ghost", "TASK_LOST", "REASON_RECONCILIATION", undefined],
      ]),
    );
  });

  it("on SHUTDOWN kills its tasks and forgets its id, so the next start registers anew", async () => {
    const a = await h.start();
    const oldId = a.agentId();
    h.runTask(oldId!, "doomed", { command: { value: "sleep 30" } });
    await h.waitState("doomed", "TASK_RUNNING");
    const pid = a.agent.tasks.all()[0]!.pid!;
    h.master.send({ type: "SHUTDOWN", shutdown: { message: "agent removed by operator" } });
    await h.master.waitFor(() => a.agentId() === undefined, 10_000, "id to be forgotten");
    expect(() => process.kill(pid, 0)).toThrow();
    await h.crash(a);
    const b = await h.start();
    expect(b.agentId()).not.toBe(oldId);
    expect(h.master.calls.filter((c) => c.type === "REGISTER")).toHaveLength(2);
  });
});
