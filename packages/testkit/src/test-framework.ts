// A framework for end-to-end tests over @tessera/sdk's SchedulerClient: records every status
// update per task, waits for a task's status, and launches queued tasks on the first offer that
// has what they need. Packages' test fixtures extend it with what they alone need (how a task is
// described, how offers are answered, what else is recorded).
import type { Offer, Picked, Resource, SchedulerClient, TaskInfo, TaskStatus } from "@tessera/sdk";

export const TERMINAL_STATES: ReadonlySet<string> = new Set(["TASK_FINISHED", "TASK_FAILED", "TASK_KILLED", "TASK_ERROR", "TASK_LOST", "TASK_DROPPED", "TASK_GONE"]);

/** A task waiting for an offer. */
export interface QueuedTask {
  /** Takes what the task needs out of `offered`; undefined when the offer lacks it. */
  pick(offered: Resource[]): Picked | undefined;
  /** The TaskInfo to send, given what `pick` took from `offer`. */
  build(picked: Resource[], offer: Offer): TaskInfo;
  /** Called with the TaskInfo once it was sent in an ACCEPT. */
  resolve(task: TaskInfo): void;
}

export class TestFramework<Q extends QueuedTask = QueuedTask> {
  private readonly updates = new Map<string, TaskStatus[]>();
  private readonly waiters = new Set<() => void>();
  protected readonly queue: Q[] = [];

  /** Listens to the client's offers and updates; call `client.subscribe()` afterwards. */
  constructor(readonly client: SchedulerClient) {
    client.on("offers", (offers) => this.receiveOffers(offers));
    client.on("update", (s) => this.record(s));
  }

  /** Queues a task; resolves with its TaskInfo once it was sent in an ACCEPT. */
  protected enqueue(task: Omit<Q, "resolve">): Promise<TaskInfo> {
    return new Promise((resolve) => {
      this.queue.push({ ...task, resolve } as Q);
      void this.client.revive().catch(() => undefined);
    });
  }

  statuses(taskId: string): TaskStatus[] {
    return this.updates.get(taskId) ?? [];
  }

  /** The first status of the task matching `pred` (already received or yet to come). */
  async waitFor(taskId: string, pred: (s: TaskStatus) => boolean, timeoutMs = 30_000): Promise<TaskStatus> {
    const seen = () => this.statuses(taskId).find(pred);
    const hit = seen();
    if (hit) return hit;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`task ${taskId}: no matching status within ${timeoutMs} ms; got ${this.statuses(taskId).map((s) => this.describe(s)).join(", ") || "none"}`));
      }, timeoutMs);
      const check = () => {
        const s = seen();
        if (!s) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(s);
      };
      this.waiters.add(check);
    });
  }

  waitForState(taskId: string, state: string, timeoutMs?: number): Promise<TaskStatus> {
    return this.waitFor(taskId, (s) => s.state === state, timeoutMs);
  }

  waitForEnd(taskId: string, timeoutMs?: number): Promise<TaskStatus> {
    return this.waitFor(taskId, (s) => TERMINAL_STATES.has(s.state), timeoutMs);
  }

  close(): void {
    this.client.close();
  }

  /** How a status reads in a waitFor failure. */
  protected describe(s: TaskStatus): string {
    return s.state;
  }

  /** Records a status update and wakes the waiters. */
  protected record(s: TaskStatus): void {
    const id = s.task_id.value;
    this.updates.set(id, [...(this.updates.get(id) ?? []), s]);
    for (const w of this.waiters) w();
  }

  /** What happens to offers as they arrive: by default each batch is answered at once. */
  protected receiveOffers(offers: Offer[]): void {
    void this.onOffers(offers);
  }

  /** Launches what fits on each offer; declines (refuse 0.2 s) an offer nothing fits. */
  protected async onOffers(offers: Offer[]): Promise<void> {
    for (const offer of offers) {
      const launched = this.match(offer);
      const tasks = launched.map(([, task]) => task);
      // refuse_seconds 0: what is left is offered again on the next allocation cycle.
      if (tasks.length) await this.client.launch(offer, tasks, { refuse_seconds: 0 });
      else await this.client.decline([offer.id], { refuse_seconds: 0.2 });
      for (const [q, task] of launched) q.resolve(task);
    }
  }

  /** Takes, in queue order, every queued task that fits in what is left of `offer` off the queue. */
  protected match(offer: Offer): Array<[Q, TaskInfo]> {
    let remaining: Resource[] = offer.resources ?? [];
    const launched: Array<[Q, TaskInfo]> = [];
    for (const q of [...this.queue]) {
      const got = q.pick(remaining);
      if (!got) continue;
      remaining = got.remaining;
      launched.push([q, q.build(got.picked, offer)]);
      this.queue.splice(this.queue.indexOf(q), 1);
    }
    return launched;
  }
}
