import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { TaskStatusJson } from "../api/agent-protocol/common.js";
import { StatusUpdateForwarder } from "./status-update-forwarder.js";

const status = (task: string, state: TaskStatusJson["state"], uuid?: string): TaskStatusJson => ({
  task_id: { value: task },
  state,
  ...(uuid ? { uuid } : {}),
});

describe("StatusUpdateForwarder", () => {
  let sent: Array<[string, string, string | undefined]>;
  let forwarder: StatusUpdateForwarder;
  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
    forwarder = new StatusUpdateForwarder({
      send: (fid, s) => (sent.push([fid, s.state, s.uuid]), true),
      initialBackoffMs: 1000,
      maxBackoffMs: 4000,
    });
  });
  afterEach(() => {
    forwarder.stop();
    vi.useRealTimers();
  });

  it("re-sends with exponential back-off until acknowledged", () => {
    forwarder.forward("f1", status("t1", "TASK_RUNNING", "u1"));
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(999);
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(1); // t=1000
    expect(sent).toHaveLength(2);
    vi.advanceTimersByTime(2000); // t=3000 (back-off 2000)
    expect(sent).toHaveLength(3);
    vi.advanceTimersByTime(4000); // t=7000 (back-off 4000)
    vi.advanceTimersByTime(4000); // t=11000 (capped at 4000)
    expect(sent).toHaveLength(5);
    expect(forwarder.acknowledge("f1", "t1", "u1")).toBe(true);
    vi.advanceTimersByTime(60_000);
    expect(sent).toHaveLength(5);
    expect(forwarder.pending("f1")).toEqual([]);
  });

  it("ignores an acknowledgement of an older uuid and keeps only the latest update outstanding", () => {
    forwarder.forward("f1", status("t1", "TASK_RUNNING", "u1"));
    forwarder.forward("f1", status("t1", "TASK_FINISHED", "u2"));
    expect(forwarder.acknowledge("f1", "t1", "u1")).toBe(false);
    expect(forwarder.pending("f1").map((s) => s.uuid)).toEqual(["u2"]);
    sent.length = 0;
    vi.advanceTimersByTime(1000);
    expect(sent).toEqual([["f1", "TASK_FINISHED", "u2"]]);
  });

  it("does not double-send an update the agent retried", () => {
    forwarder.forward("f1", status("t1", "TASK_RUNNING", "u1"));
    forwarder.forward("f1", status("t1", "TASK_RUNNING", "u1"));
    expect(sent).toHaveLength(1);
  });

  it("sends updates without a uuid once, with no retries", () => {
    forwarder.forward("f1", status("t1", "TASK_RUNNING"));
    vi.advanceTimersByTime(100_000);
    expect(sent).toEqual([["f1", "TASK_RUNNING", undefined]]);
  });

  it("re-sends everything outstanding at once when the framework re-subscribes", () => {
    forwarder.forward("f1", status("t1", "TASK_RUNNING", "u1"));
    forwarder.forward("f1", status("t2", "TASK_FAILED", "u2"));
    forwarder.forward("f2", status("t3", "TASK_FAILED", "u3"));
    sent.length = 0;
    forwarder.resend("f1");
    expect(sent.map((s) => s[2]).sort()).toEqual(["u1", "u2"]);
  });

  it("re-sends each update at its own time, whoever else is waiting", () => {
    forwarder.forward("f1", status("t1", "TASK_RUNNING", "u1"));
    vi.advanceTimersByTime(300);
    forwarder.forward("f1", status("t2", "TASK_RUNNING", "u2"));
    vi.advanceTimersByTime(400); // t=700
    forwarder.forward("f2", status("t3", "TASK_RUNNING", "u3"));
    expect(forwarder.acknowledge("f1", "t1", "u1")).toBe(true);
    sent.length = 0;
    vi.advanceTimersByTime(599); // t=1299
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(1); // t=1300: t2's first retry
    expect(sent).toEqual([["f1", "TASK_RUNNING", "u2"]]);
    vi.advanceTimersByTime(400); // t=1700: t3's first retry
    expect(sent.map((s) => s[2])).toEqual(["u2", "u3"]);
    vi.advanceTimersByTime(1600); // t=3300: t2 again after 2000
    expect(sent.map((s) => s[2])).toEqual(["u2", "u3", "u2"]);
  });
});
