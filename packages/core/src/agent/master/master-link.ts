import type { Logger } from "pino";
import { request } from "undici";
import {
  AGENT_PROTOCOL_PATH,
  parseAgentEvent,
  type AgentCallInput,
  type AgentEvent,
} from "../../api/agent-protocol/index.js";
import { RecordIODecoder } from "../../api/recordio.js";
import { Backoff } from "./backoff.js";

export interface MasterLinkOptions {
  masterUrl: string;
  /** Builds REGISTER (no agent id yet) or REREGISTER each time the link (re)connects. */
  subscribeCall: () => Promise<AgentCallInput>;
  /** Every event after the stream opens, REGISTERED/REREGISTERED included; PING is answered here. */
  onEvent: (event: AgentEvent) => void;
  /** The stream broke or the master went quiet; the link is already trying to reconnect. */
  onDisconnected: () => void;
  /** Registration back-off (Mesos: 1 s factor, capped at 1 min). */
  backoff?: { initialMs: number; maxMs: number };
  logger: Logger;
}

/** Non-2xx answer from the master to a call; `status` 403 means "re-register". */
export class MasterCallError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "MasterCallError";
  }
}

/**
 * The agent's side of the internal protocol: keeps one long-lived REGISTER/REREGISTER event
 * stream open (reconnecting with back-off when the master is away or stops pinging) and posts
 * the other calls separately.
 */
export class MasterLink {
  private stopped = true;
  private abort?: AbortController;
  private pingWatchdog?: NodeJS.Timeout;
  private agentId?: string;
  private connectedFlag = false;
  private pingTimeoutS = 75;
  private loop?: Promise<void>;
  private wake?: () => void;
  private readonly backoff: Backoff;
  private readonly base: URL;

  constructor(private readonly opts: MasterLinkOptions) {
    const b = opts.backoff ?? { initialMs: 1000, maxMs: 60_000 };
    this.backoff = new Backoff(b.initialMs, b.maxMs);
    this.base = new URL(AGENT_PROTOCOL_PATH, opts.masterUrl);
  }

  get connected(): boolean {
    return this.connectedFlag;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop = this.run();
  }

  /** Closes the stream and stops reconnecting; calls in flight are not awaited. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.abort?.abort();
    this.wake?.();
    this.clearWatchdog();
    await this.loop;
  }

  /** Drops the current stream and re-subscribes at once (e.g. after a 403 on a call). */
  reconnect(): void {
    this.abort?.abort();
    this.wake?.();
  }

  /** Posts one call (STATUS_UPDATE, PONG, ...); rejects unless the master accepted it. */
  async call(call: AgentCallInput): Promise<void> {
    const res = await request(this.base, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(call),
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
    });
    const text = await res.body.text();
    if (res.statusCode >= 300) {
      if (res.statusCode === 403) this.reconnect();
      throw new MasterCallError(res.statusCode, `${call.type}: master answered ${res.statusCode}: ${text}`);
    }
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.subscribeOnce();
      } catch (err) {
        if (!this.stopped) this.opts.logger.warn({ err: String((err as Error).message ?? err) }, "master stream failed");
      }
      this.clearWatchdog();
      if (this.connectedFlag) {
        this.connectedFlag = false;
        this.opts.onDisconnected();
      }
      if (this.stopped) break;
      const wait = this.backoff.next();
      this.opts.logger.info({ waitMs: wait, master: this.opts.masterUrl }, "reconnecting to master");
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, wait);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  private async subscribeOnce(): Promise<void> {
    const call = await this.opts.subscribeCall();
    const abort = new AbortController();
    this.abort = abort;
    if (this.stopped) return;
    const res = await request(this.base, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(call),
      signal: abort.signal,
      headersTimeout: 10_000,
      bodyTimeout: 0, // the stream is idle between events; the ping watchdog detects a dead master
    });
    if (res.statusCode !== 200) {
      const text = await res.body.text().catch(() => "");
      throw new MasterCallError(res.statusCode, `${call.type}: master answered ${res.statusCode}: ${text}`);
    }
    const decoder = new RecordIODecoder();
    try {
      for await (const chunk of res.body) {
        for (const record of decoder.decode(chunk as Uint8Array)) {
          this.handleRecord(record);
        }
      }
    } finally {
      abort.abort();
    }
  }

  private handleRecord(record: string): void {
    let event: AgentEvent;
    try {
      event = parseAgentEvent(JSON.parse(record));
    } catch (err) {
      this.opts.logger.error({ err: (err as Error).message }, "ignoring malformed event from master");
      return;
    }
    if (event.type === "REGISTERED" || event.type === "REREGISTERED") {
      const info = event.type === "REGISTERED" ? event.registered : event.reregistered;
      this.agentId = info.agent_id.value;
      this.connectedFlag = true;
      this.backoff.reset();
      this.pingTimeoutS = info.ping_timeout_seconds;
      this.armWatchdog(this.pingTimeoutS);
    } else if (event.type === "PING") {
      this.armWatchdog(this.pingTimeoutS);
      if (this.agentId) {
        this.call({ type: "PONG", agent_id: { value: this.agentId } }).catch((err: unknown) =>
          this.opts.logger.warn({ err: (err as Error).message }, "PONG not delivered"),
        );
      }
    }
    this.opts.onEvent(event);
  }

  private armWatchdog(timeoutS: number): void {
    this.clearWatchdog();
    this.pingWatchdog = setTimeout(() => {
      this.opts.logger.warn({ timeoutS }, "no PING from master in time; re-registering");
      this.abort?.abort();
    }, timeoutS * 1000);
    this.pingWatchdog.unref();
  }

  private clearWatchdog(): void {
    if (this.pingWatchdog) clearTimeout(this.pingWatchdog);
    this.pingWatchdog = undefined;
  }
}
