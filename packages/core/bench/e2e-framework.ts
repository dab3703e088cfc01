// The bench's framework: subscribes over the v1 scheduler API, fills every offer with small
// tasks until N are launched, acknowledges every update, and times the batch.
import { performance } from "node:perf_hooks";
import type { CallConnection } from "./e2e-connection.js";
import { openStream, type EventStream, type Json } from "./e2e-http.js";

const PATH = "/api/v1/scheduler";

export interface LaunchRun {
  tasks: number;
  /** Seconds from the first ACCEPT to the last task's TASK_FINISHED. */
  seconds: number;
  /** Tasks that ended in any state but TASK_FINISHED (with one example). */
  failed: number;
  firstFailure?: string;
}

export interface TaskShape {
  cpus: number;
  mem: number;
  command: string;
  /** At most this many tasks per ACCEPT (a framework's batch). */
  perOffer: number;
}

const scalarOf = (resources: Json[], name: string) => resources.reduce((s, r) => (r.name === name ? s + (r.scalar?.value ?? 0) : s), 0);

export class BenchFramework {
  private frameworkId = "";
  private streamId = "";
  private stream: EventStream | undefined;
  private launched = 0;
  private finished = 0;
  private failed = 0;
  private firstFailure: string | undefined;
  private startedAt = 0;
  private target = 0;
  private shape: TaskShape | undefined;
  private done: (() => void) | undefined;
  private fail: ((e: Error) => void) | undefined;
  private seq = 0;
  private readonly ended = new Set<string>();

  constructor(
    private readonly origin: string,
    private readonly calls: CallConnection,
  ) {}

  async subscribe(name: string): Promise<void> {
    let subscribed!: () => void;
    const ready = new Promise<void>((r) => (subscribed = r));
    this.stream = await openStream(
      this.origin,
      PATH,
      { type: "SUBSCRIBE", subscribe: { framework_info: { user: "", name, roles: ["bench"], capabilities: [{ type: "MULTI_ROLE" }] } } },
      (e) => {
        if (e.type === "SUBSCRIBED") {
          this.frameworkId = e.subscribed.framework_id.value;
          subscribed();
        } else this.onEvent(e);
      },
    );
    this.streamId = String(this.stream.headers["mesos-stream-id"]);
    await ready;
  }

  /** Launches `tasks` tasks as offers come and resolves once all have finished. */
  run(tasks: number, shape: TaskShape): Promise<LaunchRun> {
    this.target = tasks;
    this.shape = shape;
    this.launched = this.finished = this.failed = 0;
    this.firstFailure = undefined;
    this.startedAt = 0;
    return new Promise<void>((resolve, reject) => {
      this.done = resolve;
      this.fail = reject;
      // Offers already held are declined so the allocator offers them again.
      void this.call({ type: "REVIVE" });
    }).then(() => ({
      tasks,
      seconds: (performance.now() - this.startedAt) / 1000,
      failed: this.failed,
      ...(this.firstFailure !== undefined && { firstFailure: this.firstFailure }),
    }));
  }

  private onEvent(e: Json): void {
    if (e.type === "OFFERS") for (const offer of e.offers.offers as Json[]) this.onOffer(offer);
    else if (e.type === "UPDATE") this.onUpdate(e.update.status);
  }

  private onOffer(offer: Json): void {
    const shape = this.shape;
    const left = this.target - this.launched;
    const fit = shape ? Math.min(Math.floor(scalarOf(offer.resources, "cpus") / shape.cpus + 1e-9), Math.floor(scalarOf(offer.resources, "mem") / shape.mem + 1e-9)) : 0;
    const n = shape ? Math.min(left, fit, shape.perOffer) : 0;
    if (n <= 0) {
      void this.call({ type: "DECLINE", decline: { offer_ids: [offer.id], filters: { refuse_seconds: 0 } } });
      return;
    }
    if (this.startedAt === 0) this.startedAt = performance.now();
    this.launched += n;
    const role = offer.allocation_info?.role ?? "bench";
    const resources = [
      { name: "cpus", type: "SCALAR", scalar: { value: shape!.cpus }, allocation_info: { role } },
      { name: "mem", type: "SCALAR", scalar: { value: shape!.mem }, allocation_info: { role } },
    ];
    const taskInfos = Array.from({ length: n }, () => {
      const id = `t${this.seq++}`;
      return { name: id, task_id: { value: id }, agent_id: offer.agent_id, resources, command: { shell: true, value: shape!.command } };
    });
    void this.call({
      type: "ACCEPT",
      accept: { offer_ids: [offer.id], operations: [{ type: "LAUNCH", launch: { task_infos: taskInfos } }], filters: { refuse_seconds: 0 } },
    });
  }

  private onUpdate(status: Json): void {
    if (status.uuid) {
      void this.call({ type: "ACKNOWLEDGE", acknowledge: { agent_id: status.agent_id, task_id: status.task_id, uuid: status.uuid } });
    }
    if (!["TASK_FINISHED", "TASK_FAILED", "TASK_KILLED", "TASK_LOST", "TASK_ERROR", "TASK_DROPPED"].includes(status.state)) return;
    // Re-sent terminal updates arrive again under load; count each task once.
    if (this.ended.has(status.task_id.value)) return;
    this.ended.add(status.task_id.value);
    if (status.state !== "TASK_FINISHED") {
      this.failed++;
      this.firstFailure ??= `${status.task_id.value}: ${status.state} ${status.message ?? ""}`;
    }
    this.finished++;
    if (this.finished === this.target) this.done?.();
  }

  private call(body: Json): Promise<void> {
    return this.calls.post(PATH, { framework_id: { value: this.frameworkId }, ...body }, { "mesos-stream-id": this.streamId }).catch((e: unknown) => {
      this.fail?.(e instanceof Error ? e : new Error(String(e)));
    });
  }

  async close(): Promise<void> {
    await this.call({ type: "TEARDOWN" });
    this.stream?.close();
  }
}
