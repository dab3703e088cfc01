import type { Logger } from "pino";
import type { StatusUpdate } from "./status-update.js";
import type * as mesos from "../../api/mesos/index.js";
import { TERMINAL_TASK_STATES } from "../../api/mesos/status.js";
import type { StreamKey, UpdateLog, UpdateLogRecord } from "./update-log.js";

export interface RetryPolicy {
  /** First re-send after this long without an acknowledgement (Mesos: 10 s). */
  initialMs: number;
  /** Back-off doubles up to this (Mesos: 10 min). */
  maxMs: number;
}

export const DEFAULT_STATUS_UPDATE_RETRY: RetryPolicy = { initialMs: 10_000, maxMs: 600_000 };

export interface StatusUpdateManagerOptions {
  log: UpdateLog;
  /** Delivers one update to the master; a rejection counts as "not delivered" and is retried. */
  forward: (update: StatusUpdate) => Promise<void>;
  retry?: RetryPolicy;
  logger?: Logger;
  /** Called once the terminal update of a task is acknowledged: nothing about the task is pending any more. */
  onStreamClosed?: (key: StreamKey, terminal: StatusUpdate) => void | Promise<void>;
}

/** Per-task stream: updates leave strictly in order, the next only after the previous is acknowledged. */
interface Stream {
  key: StreamKey;
  pending: StatusUpdate[];
  acked: Set<string>;
  /** A terminal update was received; later updates for the task are refused. */
  terminated: boolean;
  /** The newest update accepted, acknowledged or not. */
  latest?: StatusUpdate;
  timer?: NodeJS.Timeout;
  backoffMs: number;
  /** The last log write; the log keeps each stream's records in the order they were appended. */
  writes: Promise<void>;
}

const keyOf = (k: StreamKey) => `${k.frameworkId}\u0000${k.taskId}`;

/**
 * The agent's reliable status update channel, as Mesos's status update manager: every update is
 * checkpointed before it is sent, re-sent with back-off until the master relays the framework's
 * acknowledgement, and survives agent restarts. While paused (no master), nothing is sent;
 * `resume()` re-sends every stream's head at once.
 */
export class StatusUpdateManager {
  private readonly streams = new Map<string, Stream>();
  private readonly retry: RetryPolicy;
  private paused = true;
  private closed = false;

  constructor(private readonly opts: StatusUpdateManagerOptions) {
    this.retry = opts.retry ?? DEFAULT_STATUS_UPDATE_RETRY;
  }

  /** Replays the update logs written before a restart. Call before `resume()`. */
  async recover(): Promise<void> {
    for (const { key, records } of await this.opts.log.readAll()) {
      const stream = this.streamFor(key);
      for (const record of records) {
        if (record.type === "UPDATE") {
          if (stream.acked.has(record.update.uuid) || stream.pending.some((u) => u.uuid === record.update.uuid)) continue;
          stream.pending.push(record.update);
          stream.latest = record.update;
          if (isTerminal(record.update.status.state)) stream.terminated = true;
        } else if (stream.pending[0]?.uuid === record.uuid) {
          stream.acked.add(record.uuid);
          stream.pending.shift();
        }
      }
      if (stream.terminated && stream.pending.length === 0) {
        // Acknowledged to the end before the restart; only the file was left behind.
        this.streams.delete(keyOf(key));
        await this.opts.log.remove(key);
      }
      this.opts.logger?.info({ ...key, pending: stream.pending.length }, "recovered status update stream");
    }
  }

  /**
   * Accepts a new update for its task: checkpoints it, then sends it if it is the stream's head.
   * Returns false (and drops it) when the task already had a terminal update or the uuid is a duplicate.
   */
  async update(update: StatusUpdate): Promise<boolean> {
    if (this.closed) throw new Error("status update manager is closed: the agent stopped");
    const key = { frameworkId: update.framework_id.value, taskId: update.status.task_id.value };
    const stream = this.streamFor(key);
    if (stream.acked.has(update.uuid) || stream.pending.some((u) => u.uuid === update.uuid)) return false;
    if (stream.terminated) {
      this.opts.logger?.warn({ ...key, state: update.status.state }, "dropping status update after a terminal one");
      return false;
    }
    if (isTerminal(update.status.state)) stream.terminated = true;
    const previous = stream.latest;
    stream.pending.push(update);
    stream.latest = update;
    try {
      await this.write(stream, { type: "UPDATE", update });
    } catch (err) {
      // Never send what is not on disk: an update lost in a restart must not have reached anyone.
      stream.pending.splice(stream.pending.indexOf(update), 1);
      stream.latest = previous;
      if (isTerminal(update.status.state)) stream.terminated = false;
      throw err;
    }
    // resume() or an acknowledgement may have sent it while it was being written.
    if (stream.pending[0] === update && !stream.timer) this.send(stream);
    return true;
  }

  /**
   * The master relayed the framework's acknowledgement. Returns false for an unknown or
   * out-of-order uuid (which changes nothing), true once the head is acknowledged.
   */
  async acknowledge(key: StreamKey, uuid: string): Promise<boolean> {
    if (this.closed) return false;
    const stream = this.streams.get(keyOf(key));
    const head = stream?.pending[0];
    if (!stream || !head || head.uuid !== uuid) {
      this.opts.logger?.warn({ ...key, uuid }, "ignoring acknowledgement that does not match the task's pending update");
      return false;
    }
    stream.pending.shift();
    stream.acked.add(uuid);
    this.clearTimer(stream);
    stream.backoffMs = this.retry.initialMs;
    const acked = this.write(stream, { type: "ACK", uuid });
    if (stream.pending.length === 0 && isTerminal(head.status.state)) {
      // Nothing waits on this acknowledgement: forgetting the stream (and the task) joins its group
      // commit, and the log keeps their order, so the forgetting is never durable before the ack.
      this.streams.delete(keyOf(key));
      const removed = this.opts.log.remove(key);
      await Promise.all([acked, removed, this.opts.onStreamClosed?.(key, head)]);
      return true;
    }
    await acked;
    if (stream.pending.length > 0 && !stream.timer) this.send(stream);
    return true;
  }

  /** Stop sending (the master went away); updates are still accepted and checkpointed. */
  pause(): void {
    this.paused = true;
    for (const s of this.streams.values()) this.clearTimer(s);
  }

  /** (Re)connected: send every stream's head now, with a fresh back-off. */
  resume(): void {
    if (this.closed) return;
    this.paused = false;
    for (const s of this.streams.values()) {
      s.backoffMs = this.retry.initialMs;
      if (s.pending.length > 0) this.send(s);
    }
  }

  /** Updates of a task not yet acknowledged, oldest (the one in flight) first. */
  pending(key: StreamKey): readonly StatusUpdate[] {
    return this.streams.get(keyOf(key))?.pending ?? [];
  }

  /** The newest update of a task, acknowledged or not (its current state as the agent reported it). */
  latest(key: StreamKey): StatusUpdate | undefined {
    return this.streams.get(keyOf(key))?.latest;
  }

  /** Every stream that still has something to deliver. */
  streamsWithPending(): StreamKey[] {
    return [...this.streams.values()].filter((s) => s.pending.length > 0).map((s) => s.key);
  }

  /** True while the task's terminal update has been accepted (it may still await acknowledgement). */
  isTerminated(key: StreamKey): boolean {
    return this.streams.get(keyOf(key))?.terminated ?? false;
  }

  /** Waits for pending log writes and stops every timer. */
  async close(): Promise<void> {
    this.closed = true;
    this.pause();
    await Promise.all([...this.streams.values()].map((s) => s.writes));
  }

  private streamFor(key: StreamKey): Stream {
    let s = this.streams.get(keyOf(key));
    if (!s) {
      s = { key, pending: [], acked: new Set(), terminated: false, backoffMs: this.retry.initialMs, writes: Promise.resolve() };
      this.streams.set(keyOf(key), s);
    }
    return s;
  }

  private write(stream: Stream, record: UpdateLogRecord): Promise<void> {
    const next = this.opts.log.append(stream.key, record);
    stream.writes = next.catch(() => undefined);
    return next;
  }

  private send(stream: Stream): void {
    this.clearTimer(stream);
    if (this.paused || this.closed) return;
    const head = stream.pending[0];
    if (!head) return;
    this.opts.forward(head).catch((err: unknown) => {
      this.opts.logger?.debug({ ...stream.key, uuid: head.uuid, err }, "status update not delivered; will retry");
    });
    stream.timer = setTimeout(() => {
      stream.timer = undefined;
      if (stream.pending[0] !== head) return;
      stream.backoffMs = Math.min(stream.backoffMs * 2, this.retry.maxMs);
      this.opts.logger?.info({ ...stream.key, uuid: head.uuid, state: head.status.state }, "re-sending unacknowledged status update");
      this.send(stream);
    }, stream.backoffMs);
    stream.timer.unref();
  }

  private clearTimer(stream: Stream): void {
    if (stream.timer) clearTimeout(stream.timer);
    stream.timer = undefined;
  }
}

function isTerminal(state: mesos.TaskState): boolean {
  return TERMINAL_TASK_STATES.has(state);
}
