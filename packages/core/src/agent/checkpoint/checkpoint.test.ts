import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { AgentCheckpoint } from "./agent-checkpoint.js";
import { CheckpointError, readJsonFile, writeJsonAtomic } from "./atomic-file.js";

let work: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), "tessera-checkpoint-"));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

const task = (id: string) => ({ task_id: { value: id }, name: id, command: { value: "sleep 1" } });
const update = (uuid: string, state: string) => ({ uuid, framework_id: { value: "f1" }, status: { state } });
const container = (taskId: string) => ({
  containerId: `c-${taskId}`,
  containerizer: "process",
  taskId,
  frameworkId: "f1",
  sandbox: `/sandboxes/${taskId}`,
  pid: 4242,
  data: { supervisorPid: 4241 },
});

describe("atomic checkpoint files", () => {
  it("replaces a file so a concurrent reader sees the old or the new value, never a mix", async () => {
    const file = join(work, "big.json");
    const Big = z.object({ n: z.number(), fill: z.string() });
    const value = (n: number) => ({ n, fill: String(n).repeat(50_000) });
    await writeJsonAtomic(file, value(0));
    let reads = 0;
    let writing = true;
    const reader = (async () => {
      while (writing) {
        const v = await readJsonFile(file, Big);
        expect(v!.fill).toBe(String(v!.n).repeat(50_000));
        reads++;
      }
    })();
    for (let n = 1; n <= 15; n++) await writeJsonAtomic(file, value(n));
    writing = false;
    await reader;
    expect(reads).toBeGreaterThan(0);
    expect((await readJsonFile(file, Big))!.n).toBe(15);
    expect(readdirSync(work)).toEqual(["big.json"]);
  });

  it("reports a corrupt or malformed file with its path", async () => {
    const cp = new AgentCheckpoint(work);
    mkdirSync(join(work, "meta"));
    writeFileSync(join(work, "meta", "agent.json"), '{"agent_id": {"val');
    await expect(cp.readAgent()).rejects.toThrow(`checkpoint ${join(work, "meta", "agent.json")}: not JSON`);
    writeFileSync(join(work, "meta", "agent.json"), '{"agent_id": {"value": 7}}');
    const err = await cp.readAgent().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckpointError);
    expect((err as Error).message).toBe(`checkpoint ${join(work, "meta", "agent.json")}: agent_id.value: expected string, got number 7`);
  });
});

describe("AgentCheckpoint", () => {
  it("recovers the agent, its frameworks, tasks, containers and unacknowledged updates", async () => {
    const cp = new AgentCheckpoint(work);
    await cp.writeAgent("a-S0", { hostname: "h1", port: 5051 });
    await cp.writeFramework("f1", { name: "spark", user: "root" });
    await cp.writeTask("f1", task("t1"));
    await cp.writeContainer(container("t1"));
    await cp.writeTask("f1", task("t2"), "e2");
    await cp.appendUpdate("f1", "t1", update("u1", "TASK_STARTING"));
    await cp.appendUpdate("f1", "t1", update("u2", "TASK_RUNNING"));
    await cp.appendUpdate("f1", "t1", update("u3", "TASK_FINISHED"));
    expect(await cp.ackUpdate("f1", "t1", "u1")).toBe(true);

    const again = await new AgentCheckpoint(work).recover();
    expect(again.agent).toEqual({ agent_id: { value: "a-S0" }, info: { hostname: "h1", port: 5051 } });
    expect(again.frameworks).toHaveLength(1);
    const [fw] = again.frameworks;
    expect(fw!.info).toEqual({ name: "spark", user: "root" });
    expect(fw!.tasks.map((t) => [t.taskId, t.executorId, t.container?.pid, t.pendingUpdates.map((u) => u.uuid)])).toEqual([
      ["t1", undefined, 4242, ["u2", "u3"]],
      ["t2", "e2", undefined, []],
    ]);
  });

  it("removes an acknowledged update and says when an acknowledgement matches nothing", async () => {
    const cp = new AgentCheckpoint(work);
    await cp.writeTask("f1", task("t1"));
    await cp.appendUpdate("f1", "t1", update("u1", "TASK_RUNNING"));
    expect(await cp.ackUpdate("f1", "t1", "nope")).toBe(false);
    expect(await cp.ackUpdate("f1", "t1", "u1")).toBe(true);
    expect(await cp.ackUpdate("f1", "t1", "u1")).toBe(false);
    expect(await cp.pendingUpdates("f1", "t1")).toEqual([]);
  });

  it("drops an update line a crash cut short, and compacts the log on recovery", async () => {
    const cp = new AgentCheckpoint(work);
    await cp.writeTask("f1", task("t1"));
    await cp.appendUpdate("f1", "t1", update("u1", "TASK_RUNNING"));
    await cp.appendUpdate("f1", "t1", update("u2", "TASK_FAILED"));
    await cp.ackUpdate("f1", "t1", "u1");
    const log = join(cp.dir, "frameworks", "f1", "tasks", "t1", "updates.jsonl");
    appendFileSync(log, '{"type":"update","update":{"uuid":"u3","sta');

    const rec = await cp.recover();
    expect(rec.frameworks[0]!.tasks[0]!.pendingUpdates.map((u) => u.uuid)).toEqual(["u2"]);
    expect(readFileSync(log, "utf8").trim().split("\n")).toHaveLength(1);
    await cp.appendUpdate("f1", "t1", update("u4", "TASK_FAILED"));
    expect((await cp.pendingUpdates("f1", "t1")).map((u) => u.uuid)).toEqual(["u2", "u4"]);
  });

  it("names the file and line of a corrupt update record", async () => {
    const cp = new AgentCheckpoint(work);
    await cp.writeTask("f1", task("t1"));
    await cp.appendUpdate("f1", "t1", update("u1", "TASK_RUNNING"));
    const log = join(cp.dir, "frameworks", "f1", "tasks", "t1", "updates.jsonl");
    appendFileSync(log, '{"type":"ack"}\n');
    await expect(cp.recover()).rejects.toThrow(`checkpoint ${log}:2: uuid: required, expected string`);
  });

  it("names a corrupt task file", async () => {
    const cp = new AgentCheckpoint(work);
    await cp.writeTask("f1", task("t1"));
    const file = join(cp.dir, "frameworks", "f1", "tasks", "t1", "task.json");
    writeFileSync(file, JSON.stringify({ frameworkId: "f1", task: { name: "no id" } }));
    await expect(cp.recover()).rejects.toThrow(`checkpoint ${file}: task.task_id: required, expected object`);
  });

  it("keeps ids that are not safe directory names apart and intact", async () => {
    const cp = new AgentCheckpoint(work);
    await cp.writeTask("f/1", task(".."));
    await cp.writeTask("f/1", task("a/b"));
    await cp.writeTask("f", task("1"));
    const rec = await cp.recover();
    expect(rec.frameworks.map((f) => [f.frameworkId, f.tasks.map((t) => t.taskId)])).toEqual([
      ["f", ["1"]],
      ["f/1", ["..", "a/b"]],
    ]);
    expect(readdirSync(join(cp.dir, "frameworks"))).toEqual(["f", "f%2F1"]);
  });

  it("forgets a removed task and ignores a task directory the agent died before filling", async () => {
    const cp = new AgentCheckpoint(work);
    await cp.writeTask("f1", task("t1"));
    await cp.appendUpdate("f1", "t1", update("u1", "TASK_RUNNING"));
    await cp.removeTask("f1", "t1");
    mkdirSync(join(cp.dir, "frameworks", "f1", "tasks", "t-half"), { recursive: true });
    writeFileSync(join(cp.dir, "frameworks", "f1", "tasks", "t-half", ".task.json.tmp-1-abcd"), "{");
    const rec = await cp.recover();
    expect(rec.frameworks[0]!.tasks).toEqual([]);
    expect(readdirSync(join(cp.dir, "frameworks", "f1", "tasks", "t-half"))).toEqual([]);
  });
});
