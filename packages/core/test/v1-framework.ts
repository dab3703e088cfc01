// A framework speaking the Mesos v1 scheduler API over plain HTTP, with bodies shaped as Mesos
// clients send them (snake_case JSON). Deliberately not @tessera/sdk: the tests check the wire.
import { Agent, request } from "undici";
import { RecordIODecoder } from "../src/api/index.js";

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

// Several frameworks each hold a stream open and make calls; give them their own pool.
const dispatcher = new Agent({ connections: 64, pipelining: 1, keepAliveTimeout: 10_000 });

export interface CallResult {
  status: number;
  text: string;
}

/** POSTs a raw body to /api/v1/scheduler (any string, so malformed bodies can be sent too). */
export async function postScheduler(masterUrl: string, body: string, headers: Record<string, string> = {}): Promise<CallResult> {
  const res = await request(new URL("/api/v1/scheduler", masterUrl), {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
    dispatcher,
  });
  return { status: res.statusCode, text: await res.body.text() };
}

export const scalar = (name: string, value: number) => ({ name, type: "SCALAR", scalar: { value } });

export function scalarIn(resources: Json[], name: string): number {
  return resources.filter((r) => r.name === name).reduce((s, r) => s + (r.scalar?.value ?? 0), 0);
}

interface Waiter {
  match: (e: Json) => boolean;
  resolve: (e: Json) => void;
}

export class V1Framework {
  readonly events: Json[] = [];
  frameworkId = "";
  streamId = "";
  private readonly waiters = new Set<Waiter>();
  private readonly inflightAcks = new Set<Promise<void>>();
  /** Indexes into `events` that a next() call already returned. */
  private readonly taken = new Set<number>();
  private abort = new AbortController();
  private closed = false;
  /** Called for each event as it arrives (before waiters), e.g. to accept offers. */
  onEvent: (e: Json) => void = () => undefined;
  /** Acknowledge every reliable UPDATE as it arrives (what Mesos scheduler drivers do). */
  autoAck = true;
  /** Calls made from the event loop (auto-ACKs) that failed; a test asserts it stays empty. */
  readonly backgroundErrors: string[] = [];

  private constructor(readonly masterUrl: string) {}

  static async subscribe(masterUrl: string, frameworkInfo: Json, extra: Json = {}): Promise<V1Framework> {
    const fw = new V1Framework(masterUrl);
    const res = await request(new URL("/api/v1/scheduler", masterUrl), {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ type: "SUBSCRIBE", subscribe: { framework_info: frameworkInfo, ...extra } }),
      signal: fw.abort.signal,
      dispatcher,
    });
    if (res.statusCode !== 200) throw new Error(`SUBSCRIBE: ${res.statusCode} ${await res.body.text()}`);
    fw.streamId = String(res.headers["mesos-stream-id"]);
    void fw.pump(res.body);
    const subscribed = await fw.next((e) => e.type === "SUBSCRIBED", 10_000);
    fw.frameworkId = subscribed.subscribed.framework_id.value;
    return fw;
  }

  private async pump(body: AsyncIterable<Uint8Array>): Promise<void> {
    const decoder = new RecordIODecoder();
    try {
      for await (const chunk of body) {
        for (const record of decoder.decode(chunk)) {
          const ev = JSON.parse(record) as Json;
          this.events.push(ev);
          if (this.autoAck && ev.type === "UPDATE" && ev.update.status.uuid) {
            const ack = this.acknowledge(ev.update.status as Json).catch((e: unknown) => void this.backgroundErrors.push(String(e)));
            this.inflightAcks.add(ack);
            void ack.finally(() => this.inflightAcks.delete(ack));
          }
          this.onEvent(ev);
          const index = this.events.length - 1;
          for (const w of this.waiters) {
            if (w.match(ev)) {
              this.waiters.delete(w);
              this.taken.add(index);
              w.resolve(ev);
              break;
            }
          }
        }
      }
    } catch {
      // the stream was aborted by close()
    }
    this.closed = true;
  }

  /**
   * The oldest event not yet taken by an earlier next() that matches, waiting for one if none
   * has arrived: a mailbox, so an event that came in the same chunk as the previous one is not missed.
   */
  next(match: (e: Json) => boolean, timeoutMs = 15_000): Promise<Json> {
    const i = this.events.findIndex((e, idx) => !this.taken.has(idx) && match(e));
    if (i >= 0) {
      this.taken.add(i);
      return Promise.resolve(this.events[i]!);
    }
    return new Promise((resolve, reject) => {
      const w: Waiter = {
        match,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(w);
        const seen = this.events.slice(-8).map((e) => e.type + (e.update ? `(${e.update.status.task_id.value}:${e.update.status.state})` : ""));
        reject(new Error(`framework ${this.frameworkId}: no matching event within ${timeoutMs} ms; last events: ${seen.join(", ")}`));
      }, timeoutMs);
      this.waiters.add(w);
    });
  }

  /** Handles each event from now on, after replaying those received but not taken by next(). */
  handle(fn: (e: Json) => void): void {
    this.events.forEach((e, i) => this.taken.has(i) || fn(e));
    this.skipReceived();
    this.onEvent = fn;
  }

  /** Resolves once every auto-ACK sent so far has been answered by the master. */
  async acksSettled(): Promise<void> {
    while (this.inflightAcks.size > 0) await Promise.all([...this.inflightAcks]);
  }

  /** Marks every event received so far as taken: later next() calls see only new ones. */
  skipReceived(): void {
    for (let i = 0; i < this.events.length; i++) this.taken.add(i);
  }

  /** Any call but SUBSCRIBE; framework_id and the stream header are filled in. */
  async call(body: Json): Promise<CallResult> {
    return postScheduler(this.masterUrl, JSON.stringify({ framework_id: { value: this.frameworkId }, ...body }), { "mesos-stream-id": this.streamId });
  }

  /** A call that must be accepted (202). */
  async must(body: Json): Promise<void> {
    const r = await this.call(body);
    if (r.status !== 202) throw new Error(`${body.type}: expected 202, got ${r.status} ${r.text}`);
  }

  async nextOffers(timeoutMs?: number): Promise<Json[]> {
    const ev = await this.next((e) => e.type === "OFFERS", timeoutMs);
    return ev.offers.offers as Json[];
  }

  launch(offer: Json, tasks: Json[], filters?: Json): Promise<void> {
    return this.must({
      type: "ACCEPT",
      accept: { offer_ids: [offer.id], operations: [{ type: "LAUNCH", launch: { task_infos: tasks } }], ...(filters && { filters }) },
    });
  }

  decline(offers: Json[], refuseSeconds?: number): Promise<void> {
    return this.must({
      type: "DECLINE",
      decline: { offer_ids: offers.map((o) => o.id), ...(refuseSeconds !== undefined && { filters: { refuse_seconds: refuseSeconds } }) },
    });
  }

  acknowledge(status: Json): Promise<void> {
    return this.must({ type: "ACKNOWLEDGE", acknowledge: { agent_id: status.agent_id, task_id: status.task_id, uuid: status.uuid } });
  }

  /** The next UPDATE for this task, optionally in one of `states`. */
  async nextUpdate(taskId: string, states?: string[], timeoutMs?: number): Promise<Json> {
    const ev = await this.next(
      (e) => e.type === "UPDATE" && e.update.status.task_id.value === taskId && (!states || states.includes(e.update.status.state)),
      timeoutMs,
    );
    return ev.update.status as Json;
  }

  /** Every UPDATE received so far for this task, in order. */
  updatesOf(taskId: string): Json[] {
    return this.events.filter((e) => e.type === "UPDATE" && e.update.status.task_id.value === taskId).map((e) => e.update.status as Json);
  }

  /** Updates for this task with re-sends (same uuid) counted once: what a framework acts on. */
  distinctUpdatesOf(taskId: string): Json[] {
    const seen = new Set<string>();
    return this.updatesOf(taskId).filter((s) => s.uuid === undefined || (!seen.has(s.uuid) && seen.add(s.uuid)));
  }

  get isClosed(): boolean {
    return this.closed;
  }

  async teardown(): Promise<void> {
    if (!this.closed) await this.call({ type: "TEARDOWN" }).catch(() => undefined);
    this.close();
  }

  close(): void {
    this.abort.abort();
  }
}

export function taskInfo(id: string, offer: Json, command: string, cpus = 0.1, mem = 32): Json {
  return {
    name: id,
    task_id: { value: id },
    agent_id: offer.agent_id,
    resources: [scalar("cpus", cpus), scalar("mem", mem)],
    command: { shell: true, value: command },
  };
}
