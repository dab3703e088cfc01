import { mkdtemp, rm, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeStatusUpdate, type StatusUpdate } from "./status-update.js";
import { StatusUpdateManager } from "./status-update-manager.js";
import { AgentCheckpoint } from "../checkpoint/agent-checkpoint.js";

const FW = "fw-1";
const status = (task: string, state: string) =>
  ({ task_id: { value: task }, state, source: "SOURCE_EXECUTOR" }) as Parameters<typeof makeStatusUpdate>[1];

const until = async (cond: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 5));
  }
};

let dir: string;
const journal = () => join(dir, "meta", "journal.jsonl");

describe("StatusUpdateManager", () => {
  let sent: StatusUpdate[];
  let managers: StatusUpdateManager[];
  let checkpoints: AgentCheckpoint[];
  // Each manager gets its own AgentCheckpoint on the same work dir, as a restarted agent would.
  const make = (onStreamClosed?: () => void) => {
    const cp = new AgentCheckpoint(dir);
    checkpoints.push(cp);
    const m = new StatusUpdateManager({
      log: cp.updates,
      forward: async (u) => void sent.push(u),
      retry: { initialMs: 20, maxMs: 80 },
      onStreamClosed,
    });
    managers.push(m);
    return m;
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "sum-"));
    sent = [];
    managers = [];
    checkpoints = [];
  });
  afterEach(async () => {
    for (const m of managers) await m.close();
    for (const c of checkpoints) await c.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("gives each update a fresh base64 uuid of 16 bytes, copied into the status", () => {
    const a = makeStatusUpdate(FW, status("t", "TASK_RUNNING"));
    const b = makeStatusUpdate(FW, status("t", "TASK_RUNNING"));
    expect(Buffer.from(a.uuid, "base64")).toHaveLength(16);
    expect(a.uuid).not.toBe(b.uuid);
    expect(a.status.uuid).toBe(a.uuid);
  });

  it("re-sends the head until acknowledged and sends the next only after that", async () => {
    const m = make();
    m.resume();
    const starting = makeStatusUpdate(FW, status("t1", "TASK_STARTING"));
    const running = makeStatusUpdate(FW, status("t1", "TASK_RUNNING"));
    await m.update(starting);
    await m.update(running);
    await until(() => sent.length >= 3);
    expect(sent.every((u) => u.uuid === starting.uuid)).toBe(true);

    expect(await m.acknowledge({ frameworkId: FW, taskId: "t1" }, starting.uuid)).toBe(true);
    await until(() => sent.some((u) => u.uuid === running.uuid));
    const firstRunning = sent.findIndex((u) => u.uuid === running.uuid);
    expect(sent.slice(firstRunning).every((u) => u.uuid === running.uuid)).toBe(true);
  });

  it("ignores an acknowledgement for an update that is not the head", async () => {
    const m = make();
    const a = makeStatusUpdate(FW, status("t1", "TASK_STARTING"));
    const b = makeStatusUpdate(FW, status("t1", "TASK_RUNNING"));
    await m.update(a);
    await m.update(b);
    expect(await m.acknowledge({ frameworkId: FW, taskId: "t1" }, b.uuid)).toBe(false);
    expect(m.pending({ frameworkId: FW, taskId: "t1" }).map((u) => u.uuid)).toEqual([a.uuid, b.uuid]);
  });

  it("sends nothing while paused and everything pending on resume", async () => {
    const m = make();
    await m.update(makeStatusUpdate(FW, status("t1", "TASK_RUNNING")));
    await m.update(makeStatusUpdate(FW, status("t2", "TASK_RUNNING")));
    await new Promise((r) => setTimeout(r, 60));
    expect(sent).toHaveLength(0);
    m.resume();
    await until(() => new Set(sent.map((u) => u.status.task_id.value)).size === 2);
  });

  it("refuses updates after a terminal one", async () => {
    const m = make();
    expect(await m.update(makeStatusUpdate(FW, status("t1", "TASK_FINISHED")))).toBe(true);
    expect(await m.update(makeStatusUpdate(FW, status("t1", "TASK_RUNNING")))).toBe(false);
    expect(m.pending({ frameworkId: FW, taskId: "t1" })).toHaveLength(1);
  });

  it("re-sends an unacknowledged status update after the agent restarts", async () => {
    const first = make();
    const starting = makeStatusUpdate(FW, status("t1", "TASK_STARTING"));
    const running = makeStatusUpdate(FW, status("t1", "TASK_RUNNING"));
    await first.update(starting);
    await first.update(running);
    await first.acknowledge({ frameworkId: FW, taskId: "t1" }, starting.uuid);
    await first.close();

    const second = make();
    await second.recover();
    expect(second.pending({ frameworkId: FW, taskId: "t1" }).map((u) => u.uuid)).toEqual([running.uuid]);
    second.resume();
    await until(() => sent.some((u) => u.uuid === running.uuid));
    expect(sent.some((u) => u.uuid === starting.uuid && sent.indexOf(u) > 0)).toBe(false);
  });

  it("closes the stream and deletes its log once the terminal update is acknowledged", async () => {
    let closed = 0;
    const m = make(() => void closed++);
    const done = makeStatusUpdate(FW, status("t1", "TASK_FINISHED"));
    await m.update(done);
    expect(await readFile(journal(), "utf8")).toContain(done.uuid);
    await m.acknowledge({ frameworkId: FW, taskId: "t1" }, done.uuid);
    expect(closed).toBe(1);
    const again = make();
    await again.recover();
    expect(again.streamsWithPending()).toEqual([]);
  });

  it("drops a torn last line of the log on recovery", async () => {
    const m = make();
    const a = makeStatusUpdate(FW, status("t1", "TASK_RUNNING"));
    await m.update(a);
    await m.close();
    const { appendFile } = await import("node:fs/promises");
    await appendFile(journal(), '{"type":"UPD');
    const r = make();
    await r.recover();
    expect(r.pending({ frameworkId: FW, taskId: "t1" }).map((u) => u.uuid)).toEqual([a.uuid]);
  });
});
