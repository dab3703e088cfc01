import { EventEmitter, on } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { parseSchedulerEvent, RecordIODecoder } from "@tessera/core";
import { Agent, type Dispatcher } from "undici";
import { HeartbeatLostError, MesosCallError, NotSubscribedError } from "./errors.js";
import { header, postJson } from "./http.js";
import type {
  AgentID,
  ExecutorID,
  Filters,
  FrameworkInfo,
  InverseOffer,
  Offer,
  OfferID,
  Operation,
  SchedulerEvent,
  SubscribedEvent,
  TaskID,
  TaskInfo,
  TaskStatus,
} from "./types.js";
import { Watchdog } from "./watchdog.js";

export interface ReconnectOptions {
  /** First wait before re-subscribing; doubles per failed attempt. Default 500 ms. */
  initialDelayMs?: number;
  /** Ceiling of the wait. Default 10 s. */
  maxDelayMs?: number;
  /** Give up after this many failed attempts in a row. Default: never. */
  maxAttempts?: number;
}

export interface SchedulerClientOptions {
  /** A master's base URL (`http://host:5050`) or several; a non-leader redirects to the leader. */
  master: string | string[];
  framework: FrameworkInfo;
  /** Acknowledge every UPDATE that carries a uuid right after the callbacks ran. Default true. */
  autoAcknowledge?: boolean;
  /** Re-subscribe with the same framework id when the stream breaks. Default true. */
  reconnect?: boolean | ReconnectOptions;
  /** How many heartbeat intervals may pass without any event before the stream counts as dead. Default 3. */
  missedHeartbeats?: number;
  /** Extra headers on every request (e.g. Authorization). */
  headers?: Record<string, string>;
  /** Default: the client's own pool, at most `maxConnections` sockets to a master, closed by close(). */
  dispatcher?: Dispatcher;
  /** Sockets for calls and the stream together (default 8): a burst of updates queues its ACKNOWLEDGEs. */
  maxConnections?: number;
}

export interface SchedulerCallbacks {
  subscribed: (info: SubscribedEvent) => void;
  offers: (offers: Offer[], inverseOffers: InverseOffer[]) => void;
  rescind: (offerId: OfferID) => void;
  update: (status: TaskStatus) => void;
  message: (message: { agent_id: AgentID; executor_id: ExecutorID; data: Buffer }) => void;
  failure: (failure: { agent_id?: AgentID; executor_id?: ExecutorID; status?: number }) => void;
  /** The master sent ERROR: it removed the framework. The client stops for good. */
  error: (message: string) => void;
  heartbeat: () => void;
  /** The stream broke; the client will re-subscribe unless reconnect is off. */
  disconnected: (reason: Error) => void;
  /** The client has stopped: close(), teardown(), an ERROR event or reconnect attempts exhausted. */
  closed: (reason?: Error) => void;
}

const SCHEDULER_PATH = "/api/v1/scheduler";

/**
 * A framework's connection to the master over the Mesos v1 scheduler HTTP API: one long SUBSCRIBE
 * stream for events, and short POSTs (carrying Mesos-Stream-Id) for calls.
 */
export class SchedulerClient {
  readonly #opts: SchedulerClientOptions;
  readonly #masters: URL[];
  readonly #emitter = new EventEmitter({ captureRejections: false });
  readonly #reconnect: Required<ReconnectOptions> | undefined;
  readonly #dispatcher: Dispatcher;
  readonly #ownDispatcher: Agent | undefined;
  #leader: URL;
  #lastLeader: URL | undefined;
  #frameworkId: string | undefined;
  #streamId: string | undefined;
  #heartbeatMs: number | undefined;
  #stream: AbortController | undefined;
  /** Aborted by close(), so a back-off wait does not keep the process alive. */
  readonly #life = new AbortController();
  #running = false;
  #closing = false;
  #closed = false;

  constructor(opts: SchedulerClientOptions) {
    const masters = Array.isArray(opts.master) ? opts.master : [opts.master];
    if (masters.length === 0) throw new TypeError("SchedulerClient: master: give at least one master URL");
    this.#masters = masters.map((m, i) => schedulerUrl(m, Array.isArray(opts.master) ? `master[${i}]` : "master"));
    this.#leader = this.#masters[0]!;
    this.#opts = opts;
    this.#frameworkId = opts.framework.id?.value;
    this.#emitter.setMaxListeners(0);
    this.#ownDispatcher = opts.dispatcher ? undefined : new Agent({ connections: opts.maxConnections ?? 8 });
    this.#dispatcher = opts.dispatcher ?? this.#ownDispatcher!;
    const r = opts.reconnect ?? true;
    this.#reconnect =
      r === false
        ? undefined
        : { initialDelayMs: 500, maxDelayMs: 10_000, maxAttempts: Infinity, ...(r === true ? {} : r) };
  }

  /** The id the master gave this framework; set after SUBSCRIBED (or given up front for failover). */
  get frameworkId(): string | undefined {
    return this.#frameworkId;
  }
  get streamId(): string | undefined {
    return this.#streamId;
  }
  /** The scheduler endpoint of the master currently serving this framework. */
  get leaderUrl(): string {
    return this.#leader.href;
  }
  get closed(): boolean {
    return this.#closed;
  }

  on<K extends keyof SchedulerCallbacks>(type: K, listener: SchedulerCallbacks[K]): () => void {
    // Prefixed so that Mesos' ERROR event is an ordinary event, not EventEmitter's crash-on-"error".
    const name = `cb:${type}`;
    this.#emitter.on(name, listener as (...a: unknown[]) => void);
    return () => this.#emitter.off(name, listener as (...a: unknown[]) => void);
  }

  once<K extends keyof SchedulerCallbacks>(type: K, listener: SchedulerCallbacks[K]): () => void {
    const off = this.on(type, ((...args: unknown[]) => {
      off();
      (listener as (...a: unknown[]) => void)(...args);
    }) as SchedulerCallbacks[K]);
    return off;
  }

  /**
   * Every event of the stream, in order, from the moment this is called until the client closes.
   * Call it before subscribe() to see SUBSCRIBED too.
   */
  async *events(signal?: AbortSignal): AsyncGenerator<SchedulerEvent> {
    if (this.#closed) return;
    for await (const [event] of on(this.#emitter, "event", { close: ["end"], signal })) {
      yield event as SchedulerEvent;
    }
  }

  [Symbol.asyncIterator](): AsyncGenerator<SchedulerEvent> {
    return this.events();
  }

  /**
   * Opens the SUBSCRIBE stream and resolves with the SUBSCRIBED event. Rejects if this first attempt
   * fails; after that the client re-subscribes on its own (same framework id) when the stream breaks.
   */
  subscribe(): Promise<SubscribedEvent> {
    if (this.#closed) return Promise.reject(new Error("subscribe: the client is closed"));
    if (this.#running) return Promise.reject(new Error("subscribe: already subscribed or subscribing"));
    this.#running = true;
    return new Promise((resolve, reject) => {
      void this.#loop(resolve, reject);
    });
  }

  /** Stops the stream without tearing the framework down: the master keeps its tasks for failover_timeout. */
  close(): void {
    this.#finish();
  }

  // ---- calls -------------------------------------------------------------------------------

  async accept(offerIds: (OfferID | string)[], operations: Operation[], filters?: Filters): Promise<void> {
    await this.#call("ACCEPT", { accept: { offer_ids: offerIds.map(toValue), operations, ...(filters && { filters }) } });
  }

  /** Launches tasks on one offer; a task without agent_id gets the offer's agent. */
  async launch(offer: Offer, tasks: (Omit<TaskInfo, "agent_id"> & { agent_id?: AgentID })[], filters?: Filters): Promise<void> {
    const task_infos = tasks.map((t) => ({ ...t, agent_id: t.agent_id ?? offer.agent_id }));
    await this.accept([offer.id], [{ type: "LAUNCH", launch: { task_infos } }], filters);
  }

  async decline(offerIds: (OfferID | string)[], filters?: Filters): Promise<void> {
    await this.#call("DECLINE", { decline: { offer_ids: offerIds.map(toValue), ...(filters && { filters }) } });
  }

  async kill(taskId: TaskID | string, agentId?: AgentID | string, killPolicy?: TaskInfo["kill_policy"]): Promise<void> {
    await this.#call("KILL", {
      kill: { task_id: toValue(taskId), ...(agentId && { agent_id: toValue(agentId) }), ...(killPolicy && { kill_policy: killPolicy }) },
    });
  }

  /** Asks for the latest state of the given tasks, or of all the framework's tasks when empty (implicit). */
  async reconcile(tasks: { task_id: TaskID | string; agent_id?: AgentID | string }[] = []): Promise<void> {
    await this.#call("RECONCILE", {
      reconcile: {
        tasks: tasks.map((t) => ({ task_id: toValue(t.task_id), ...(t.agent_id && { agent_id: toValue(t.agent_id) }) })),
      },
    });
  }

  async revive(roles?: string[]): Promise<void> {
    await this.#call("REVIVE", roles ? { revive: { roles } } : {});
  }

  async suppress(roles?: string[]): Promise<void> {
    await this.#call("SUPPRESS", roles ? { suppress: { roles } } : {});
  }

  /** Ends the framework: the master kills its tasks and forgets it. The client closes. */
  async teardown(): Promise<void> {
    // The master ends the stream as it handles TEARDOWN, possibly before answering: that is no disconnect.
    this.#closing = true;
    try {
      await this.#call("TEARDOWN", {});
    } finally {
      this.#finish();
    }
  }

  async message(agentId: AgentID | string, executorId: ExecutorID | string, data: string | Uint8Array): Promise<void> {
    await this.#call("MESSAGE", {
      message: { agent_id: toValue(agentId), executor_id: toValue(executorId), data: Buffer.from(data).toString("base64") },
    });
  }

  /** Acknowledges a status update; only updates with a uuid (and an agent) need it. */
  async acknowledge(status: Pick<TaskStatus, "task_id" | "agent_id" | "uuid">): Promise<void> {
    if (!status.uuid || !status.agent_id) return;
    await this.#call("ACKNOWLEDGE", {
      acknowledge: { agent_id: status.agent_id, task_id: status.task_id, uuid: status.uuid },
    });
  }

  // ---- stream ------------------------------------------------------------------------------

  async #loop(resolve: (s: SubscribedEvent) => void, reject: (e: Error) => void): Promise<void> {
    let subscribedOnce = false;
    let failures = 0;
    while (!this.#closed) {
      let reason: Error;
      try {
        await this.#streamOnce((s) => {
          failures = 0;
          if (!subscribedOnce) {
            subscribedOnce = true;
            resolve(s);
          }
        });
        reason = new Error("the master closed the event stream");
      } catch (err) {
        reason = err instanceof Error ? err : new Error(String(err));
      }
      this.#streamId = undefined;
      if (this.#closed || this.#closing) break;
      if (!subscribedOnce) {
        this.#finish(reason);
        reject(reason);
        return;
      }
      failures++;
      const r = this.#reconnect;
      const permanent = reason instanceof MesosCallError && reason.permanent;
      if (!r || permanent || failures > r.maxAttempts) {
        this.#finish(reason);
        return;
      }
      this.#emit("disconnected", reason);
      // Try the last known leader first, then each configured master in turn.
      const candidates = [...(this.#lastLeader ? [this.#lastLeader] : []), ...this.#masters];
      this.#leader = candidates[(failures - 1) % candidates.length]!;
      await sleep(Math.min(r.maxDelayMs, r.initialDelayMs * 2 ** (failures - 1)), undefined, { signal: this.#life.signal }).catch(() => {});
    }
    if (!subscribedOnce) reject(new Error("subscribe: the client was closed before SUBSCRIBED"));
  }

  async #streamOnce(onSubscribed: (s: SubscribedEvent) => void): Promise<void> {
    const ctrl = new AbortController();
    this.#stream = ctrl;
    const framework: FrameworkInfo = { ...this.#opts.framework, ...(this.#frameworkId && { id: { value: this.#frameworkId } }) };
    const body = {
      type: "SUBSCRIBE",
      ...(this.#frameworkId && { framework_id: { value: this.#frameworkId } }),
      subscribe: { framework_info: framework },
    };
    const { url, response } = await postJson(this.#leader, body, {
      headers: this.#opts.headers,
      dispatcher: this.#dispatcher,
      signal: ctrl.signal,
      stream: true,
    });
    if (response.statusCode !== 200) {
      throw new MesosCallError("SUBSCRIBE", response.statusCode, await response.body.text().catch(() => ""), url.href);
    }
    this.#leader = this.#lastLeader = url;
    this.#streamId = header(response.headers, "mesos-stream-id");
    const decoder = new RecordIODecoder();
    let watchdog: Watchdog | undefined;
    try {
      for await (const chunk of response.body) {
        watchdog?.feed();
        for (const record of decoder.decode(chunk as Uint8Array)) {
          const event = parse(record);
          if (!event) continue;
          if (event.type === "SUBSCRIBED") {
            this.#frameworkId = event.subscribed.framework_id.value;
            const hb = event.subscribed.heartbeat_interval_seconds;
            if (hb && hb > 0) {
              this.#heartbeatMs = hb * 1000;
              const timeout = this.#heartbeatMs * (this.#opts.missedHeartbeats ?? 3);
              watchdog = new Watchdog(timeout, (silent) => ctrl.abort(new HeartbeatLostError(silent)));
              watchdog.start();
            }
            onSubscribed(event.subscribed);
          }
          this.#dispatch(event);
          if (event.type === "ERROR") return;
        }
      }
    } catch (err) {
      // An aborted stream reports the abort reason (e.g. HeartbeatLostError) rather than undici's wrapper.
      if (ctrl.signal.aborted && ctrl.signal.reason instanceof Error) throw ctrl.signal.reason;
      throw err;
    } finally {
      watchdog?.stop();
      if (!ctrl.signal.aborted) ctrl.abort();
    }
  }

  #dispatch(event: SchedulerEvent): void {
    this.#emitter.emit("event", event);
    switch (event.type) {
      case "SUBSCRIBED":
        this.#emit("subscribed", event.subscribed);
        break;
      case "OFFERS":
        this.#emit("offers", event.offers.offers ?? [], []);
        break;
      case "INVERSE_OFFERS":
        this.#emit("offers", [], event.inverse_offers.inverse_offers ?? []);
        break;
      case "RESCIND":
        this.#emit("rescind", event.rescind.offer_id);
        break;
      case "UPDATE": {
        const status = event.update.status;
        this.#emit("update", status);
        if (this.#opts.autoAcknowledge !== false && status.uuid && status.agent_id) {
          // A lost acknowledgement costs only a duplicate: the agent re-sends unacknowledged updates.
          this.acknowledge(status).catch(() => {});
        }
        break;
      }
      case "MESSAGE": {
        const { agent_id, executor_id, data } = event.message;
        this.#emit("message", { agent_id, executor_id, data: Buffer.from(data, "base64") });
        break;
      }
      case "FAILURE":
        this.#emit("failure", event.failure);
        break;
      case "ERROR":
        this.#emit("error", event.error.message);
        this.#finish(new Error(`master sent ERROR: ${event.error.message}`));
        break;
      case "HEARTBEAT":
        this.#emit("heartbeat");
        break;
    }
  }

  #emit<K extends keyof SchedulerCallbacks>(type: K, ...args: Parameters<SchedulerCallbacks[K]>): void {
    for (const listener of this.#emitter.listeners(`cb:${type}`)) {
      try {
        const r = (listener as (...a: unknown[]) => unknown)(...args);
        if (r instanceof Promise) r.catch(rethrowLater);
      } catch (err) {
        // A throwing callback is the caller's bug: surface it like an uncaught exception, but keep the stream intact.
        rethrowLater(err);
      }
    }
  }

  async #call(type: string, fields: Record<string, unknown>): Promise<void> {
    if (!this.#frameworkId || !this.#streamId) throw new NotSubscribedError(type);
    const { url, response } = await postJson(
      this.#leader,
      { framework_id: { value: this.#frameworkId }, type, ...fields },
      { headers: { ...this.#opts.headers, "mesos-stream-id": this.#streamId }, dispatcher: this.#dispatcher },
    );
    const text = await response.body.text();
    if (response.statusCode !== 202 && response.statusCode !== 200) {
      throw new MesosCallError(type, response.statusCode, text, url.href);
    }
  }

  #finish(reason?: Error): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#stream?.abort();
    this.#life.abort();
    // Let calls already under way (e.g. the TEARDOWN that closed us) finish, then free the sockets.
    if (this.#ownDispatcher) setImmediate(() => void this.#ownDispatcher!.close().catch(() => {}));
    this.#emit("closed", reason);
    this.#emitter.emit("end");
  }
}

function schedulerUrl(master: string, where: string): URL {
  let url: URL;
  try {
    url = new URL(master);
  } catch {
    throw new TypeError(`SchedulerClient: ${where}: "${master}" is not a URL (expected e.g. http://127.0.0.1:5050)`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TypeError(`SchedulerClient: ${where}: "${master}" must be http:// or https://`);
  }
  if (!url.pathname.endsWith(SCHEDULER_PATH)) url.pathname = url.pathname.replace(/\/$/, "") + SCHEDULER_PATH;
  return url;
}

/** Decodes one record; an event this client cannot read (e.g. a newer type) is skipped, as proto3 readers do. */
function parse(record: string): SchedulerEvent | undefined {
  try {
    return parseSchedulerEvent(JSON.parse(record));
  } catch {
    return undefined;
  }
}

function toValue(v: { value: string } | string): { value: string } {
  return typeof v === "string" ? { value: v } : { value: v.value };
}

function rethrowLater(err: unknown): void {
  setImmediate(() => {
    throw err;
  });
}
