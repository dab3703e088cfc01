import type { TaskStatusJson } from "../api/agent-protocol/common.js";

export interface ForwarderOptions {
  /** Delivers an UPDATE to the framework; returns false when the framework is not connected. */
  send(frameworkId: string, status: TaskStatusJson): boolean;
  /** Mesos STATUS_UPDATE_RETRY_INTERVAL_MIN: 10 s. */
  initialBackoffMs?: number;
  /** Mesos STATUS_UPDATE_RETRY_INTERVAL_MAX: 10 min. */
  maxBackoffMs?: number;
}

interface Outstanding {
  status: TaskStatusJson;
  backoffMs: number;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Reliable delivery of status updates to frameworks: the latest unacknowledged update per task is
 * re-sent with exponential back-off until the framework acknowledges its uuid. A newer update for
 * the same task replaces the outstanding one (the framework only needs the latest).
 */
export class StatusUpdateForwarder {
  private readonly outstanding = new Map<string, Map<string, Outstanding>>();
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;

  constructor(private readonly options: ForwarderOptions) {
    this.initialBackoffMs = options.initialBackoffMs ?? 10_000;
    this.maxBackoffMs = options.maxBackoffMs ?? 600_000;
  }

  /** Sends now; updates without a uuid are fire-and-forget (Mesos: no acknowledgement expected). */
  forward(frameworkId: string, status: TaskStatusJson): void {
    if (status.uuid === undefined) {
      this.options.send(frameworkId, status);
      return;
    }
    const taskId = status.task_id.value;
    let tasks = this.outstanding.get(frameworkId);
    if (!tasks) this.outstanding.set(frameworkId, (tasks = new Map()));
    const previous = tasks.get(taskId);
    if (previous?.status.uuid === status.uuid) return; // a duplicate from the agent's own retry
    if (previous) clearTimeout(previous.timer);
    const entry: Outstanding = { status, backoffMs: this.initialBackoffMs, timer: undefined };
    tasks.set(taskId, entry);
    this.options.send(frameworkId, status);
    this.arm(frameworkId, taskId, entry);
  }

  /** True when `uuid` is the outstanding update of the task (it stops being re-sent). */
  acknowledge(frameworkId: string, taskId: string, uuid: string): boolean {
    const tasks = this.outstanding.get(frameworkId);
    const entry = tasks?.get(taskId);
    if (!tasks || !entry || entry.status.uuid !== uuid) return false;
    clearTimeout(entry.timer);
    tasks.delete(taskId);
    if (tasks.size === 0) this.outstanding.delete(frameworkId);
    return true;
  }

  /** The framework (re)subscribed: send everything outstanding now, back-off restarted. */
  resend(frameworkId: string): void {
    for (const [taskId, entry] of this.outstanding.get(frameworkId) ?? []) {
      clearTimeout(entry.timer);
      entry.backoffMs = this.initialBackoffMs;
      this.options.send(frameworkId, entry.status);
      this.arm(frameworkId, taskId, entry);
    }
  }

  pending(frameworkId: string): TaskStatusJson[] {
    return [...(this.outstanding.get(frameworkId)?.values() ?? [])].map((e) => e.status);
  }

  removeFramework(frameworkId: string): void {
    for (const entry of this.outstanding.get(frameworkId)?.values() ?? []) clearTimeout(entry.timer);
    this.outstanding.delete(frameworkId);
  }

  stop(): void {
    for (const id of [...this.outstanding.keys()]) this.removeFramework(id);
  }

  private arm(frameworkId: string, taskId: string, entry: Outstanding): void {
    entry.timer = setTimeout(() => {
      if (this.outstanding.get(frameworkId)?.get(taskId) !== entry) return;
      entry.backoffMs = Math.min(entry.backoffMs * 2, this.maxBackoffMs);
      this.options.send(frameworkId, entry.status);
      this.arm(frameworkId, taskId, entry);
    }, entry.backoffMs);
    entry.timer.unref?.();
  }
}
