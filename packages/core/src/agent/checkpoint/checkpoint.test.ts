import { appendFileSync, constants, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import type { StatusUpdate } from "../status-updates/status-update.js";
import type { TaskCheckpoint } from "../tasks/task-record.js";
import { AgentCheckpoint } from "./agent-checkpoint.js";
import { CheckpointError, readJsonFile, writeJsonAtomic } from "./atomic-file.js";
import { Journal } from "./journal.js";

let work: string;
let open_: AgentCheckpoint[];
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), "tessera-checkpoint-"));
  open_ = [];
});
afterEach(async () => {
  vi.restoreAllMocks();
  for (const c of open_) await c.close();
  rmSync(work, { recursive: true, force: true });
});

/** A checkpoint of the work dir, as a (re)started agent makes it. */
const checkpoint = () => {
  const c = new AgentCheckpoint(work);
  open_.push(c);
  return c;
};
const journalFile = () => join(work, "meta", "journal.jsonl");

const task = (id: string, more: Partial<TaskCheckpoint> = {}): TaskCheckpoint => ({
  frameworkId: "f1",
  frameworkInfo: { user: "root", name: "spark" },
  executorId: id,
  containerId: `c-${id}`,
  task: { task_id: { value: id }, agent_id: { value: "a-S0" }, name: id, resources: [], command: { value: "sleep 1" } },
  launched: false,
  terminated: false,
  ...more,
});
const update = (taskId: string, uuid: string, state: string): StatusUpdate =>
  ({ uuid, framework_id: { value: "f1" }, timestamp: 1, status: { task_id: { value: taskId }, state, source: "SOURCE_EXECUTOR", uuid } }) as StatusUpdate;
const key = (taskId: string) => ({ frameworkId: "f1", taskId });

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

  it("reports a corrupt or malformed agent.json with its path", async () => {
    const cp = checkpoint();
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
  it("recovers the agent id, its tasks and each task's update stream after a restart", async () => {
    const cp = checkpoint();
    await cp.writeAgentId("a-S0", { hostname: "h1" });
    await cp.writeCheckpointedResources([{ name: "disk" }]);
    await cp.writeTask(task("t1"));
    await cp.writeTask(task("t1", { launched: true, pid: 4242, data: { supervisorPid: 4241 } }));
    await cp.writeTask(task("t2"));
    await cp.writeTask(task("gone"));
    await cp.updates.append(key("t1"), { type: "UPDATE", update: update("t1", "u1", "TASK_STARTING") });
    await cp.updates.append(key("t1"), { type: "ACK", uuid: "u1" });
    await cp.updates.append(key("t1"), { type: "UPDATE", update: update("t1", "u2", "TASK_RUNNING") });
    await cp.updates.append(key("gone"), { type: "UPDATE", update: update("gone", "u3", "TASK_FINISHED") });
    await cp.updates.remove(key("gone"));
    await cp.removeTask("f1", "gone");

    const again = checkpoint();
    expect(await again.readAgentId()).toBe("a-S0");
    expect(await again.readCheckpointedResources()).toEqual([{ name: "disk" }]);
    const tasks = await again.readTasks();
    expect(tasks.map((t) => [t.task.task_id.value, t.launched, t.pid])).toEqual([
      ["t1", true, 4242],
      ["t2", false, undefined],
    ]);
    expect(await again.updates.readAll()).toEqual([
      {
        key: key("t1"),
        records: [
          { type: "UPDATE", update: update("t1", "u1", "TASK_STARTING") },
          { type: "ACK", uuid: "u1" },
          { type: "UPDATE", update: update("t1", "u2", "TASK_RUNNING") },
        ],
      },
    ]);
  });

  it("writes what one turn of the event loop checkpoints with one synchronous write, and resolves each write only after it", async () => {
    const cp = checkpoint();
    await cp.readTasks(); // loaded and open
    // The journal is open with O_DSYNC: a write returns only once its data is on disk.
    const fd = readdirSync("/proc/self/fd").find((f) => {
      try {
        return readlinkSync(`/proc/self/fd/${f}`) === journalFile();
      } catch {
        return false;
      }
    });
    expect(fd).toBeDefined();
    const flags = Number.parseInt(/^flags:\s+(\d+)/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, "utf8"))![1]!, 8);
    expect(flags & constants.O_DSYNC).toBe(constants.O_DSYNC);

    const probe = await open(join(work, "probe"), "w");
    const proto = Object.getPrototypeOf(probe) as { write: (...a: unknown[]) => Promise<unknown> };
    await probe.close();
    let writes = 0;
    let durable = 0;
    const real = proto.write;
    vi.spyOn(proto, "write").mockImplementation(async function (this: unknown, ...a: unknown[]) {
      const r = await real.apply(this, a);
      writes++;
      durable = writes;
      return r;
    });
    const resolvedAfter: number[] = [];
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => cp.writeTask(task(`t${i}`)).then(() => resolvedAfter.push(durable))),
    );
    expect(writes).toBe(1);
    expect(resolvedAfter).toEqual(Array(50).fill(1));
    expect(readFileSync(journalFile(), "utf8").trim().split("\n")).toHaveLength(50);
  });

  it("drops a line a crash cut short, and names the file and line of a corrupt one", async () => {
    const cp = checkpoint();
    await cp.writeTask(task("t1"));
    await cp.updates.append(key("t1"), { type: "UPDATE", update: update("t1", "u1", "TASK_RUNNING") });
    await cp.close();
    appendFileSync(journalFile(), '{"type":"UPDATE","update":{"uuid":"u2","sta');
    const torn = checkpoint();
    expect((await torn.updates.readAll())[0]!.records).toHaveLength(1);
    // Reading it rewrote the journal without the torn line: appends after it are readable.
    await torn.updates.append(key("t1"), { type: "ACK", uuid: "u1" });
    await torn.close();
    expect((await checkpoint().updates.readAll())[0]!.records.map((r) => r.type)).toEqual(["UPDATE", "ACK"]);

    appendFileSync(journalFile(), '{"type":"ACK","framework_id":"f1","task_id":"t1"}\n');
    const lines = readFileSync(journalFile(), "utf8").trim().split("\n").length;
    await expect(checkpoint().readTasks()).rejects.toThrow(`checkpoint ${journalFile()}:${lines}: uuid: required, expected string`);
  });

  it("replays a record written twice as once (a compaction may hold a record still queued)", async () => {
    const cp = checkpoint();
    await cp.writeTask(task("t1"));
    await cp.updates.append(key("t1"), { type: "UPDATE", update: update("t1", "u1", "TASK_RUNNING") });
    await cp.updates.append(key("t1"), { type: "ACK", uuid: "u1" });
    await cp.close();
    const text = readFileSync(journalFile(), "utf8");
    writeFileSync(journalFile(), text + text);
    const again = checkpoint();
    expect(await again.readTasks()).toHaveLength(1);
    expect((await again.updates.readAll())[0]!.records.map((r) => r.type)).toEqual(["UPDATE", "ACK"]);
  });

  it("takes over the per-task files an agent wrote before the journal, then removes them", async () => {
    mkdirSync(join(work, "meta", "tasks", "f1"), { recursive: true });
    mkdirSync(join(work, "meta", "updates", "f1"), { recursive: true });
    writeFileSync(join(work, "meta", "tasks", "f1", "t1.json"), JSON.stringify(task("t1", { launched: true, pid: 77 })));
    const lines = [{ type: "UPDATE", update: update("t1", "u1", "TASK_STARTING") }, { type: "ACK", uuid: "u1" }, { type: "UPDATE", update: update("t1", "u2", "TASK_RUNNING") }];
    writeFileSync(join(work, "meta", "updates", "f1", "t1.updates"), lines.map((l) => `${JSON.stringify(l)}\n`).join(""));
    const cp = checkpoint();
    expect((await cp.readTasks()).map((t) => [t.task.task_id.value, t.pid])).toEqual([["t1", 77]]);
    expect(await cp.updates.readAll()).toEqual([{ key: key("t1"), records: lines }]);
    expect(readdirSync(join(work, "meta")).sort()).toEqual(["journal.jsonl"]);
    await cp.close();
    expect(await checkpoint().readTasks()).toHaveLength(1);
  });
});

describe("Journal", () => {
  it("rewrites itself to the current state once it has grown past the threshold", async () => {
    const live = new Map<number, { n: number }>();
    const path = join(work, "j.jsonl");
    const j = new Journal<{ n: number; gone?: boolean }>(path, {
      schema: z.object({ n: z.number(), gone: z.boolean().optional() }),
      snapshot: () => [...live.values()],
      compactAfterBytes: 2000,
    });
    await j.open();
    for (let n = 0; n < 400; n++) {
      live.set(n, { n });
      await j.append({ n });
      live.delete(n - 1);
      await j.append({ n: n - 1, gone: true });
    }
    await j.close();
    const size = readFileSync(path, "utf8").length;
    expect(size).toBeLessThan(4000);
    const records = await new Journal<{ n: number; gone?: boolean }>(path, { schema: z.object({ n: z.number(), gone: z.boolean().optional() }), snapshot: () => [] }).read();
    const state = new Set<number>();
    for (const r of records) r.gone ? state.delete(r.n) : state.add(r.n);
    expect([...state]).toEqual([399]);
  });
});
