// A tiny master speaking the internal agent protocol, for agent tests only.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { AGENT_PROTOCOL_PATH, parseAgentCall, type AgentCall } from "../../api/agent-protocol/index.js";
import { encodeRecord } from "../../api/recordio.js";

type StatusUpdateCall = Extract<AgentCall, { type: "STATUS_UPDATE" }>;

export interface FakeMasterOptions {
  /** Acknowledge each delivery of a reliable status update from this many on (default 1), as a master relaying framework acks. */
  ackAfterDeliveries?: number;
  /** Acknowledge at all (default true). */
  autoAck?: boolean;
  pingIntervalSeconds?: number;
  pingTimeoutSeconds?: number;
}

export class FakeMaster {
  readonly calls: AgentCall[] = [];
  /** Every status update delivery (alone or in a STATUS_UPDATES batch), retries included, in arrival order. */
  readonly updates: StatusUpdateCall["status_update"][] = [];
  private stream?: ServerResponse;
  private server: Server;
  private nextId = 1;
  private deliveries = new Map<string, number>();
  private waiters: Array<() => void> = [];
  autoAck: boolean;
  ackAfterDeliveries: number;

  constructor(private readonly opts: FakeMasterOptions = {}) {
    this.autoAck = opts.autoAck ?? true;
    this.ackAfterDeliveries = opts.ackAfterDeliveries ?? 1;
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  async start(port = 0): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(port, "127.0.0.1", resolve));
    return this.url;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get connected(): boolean {
    return this.stream !== undefined && !this.stream.writableEnded;
  }

  /** Sends one event on the agent's stream. */
  send(event: Record<string, unknown>): void {
    if (!this.stream) throw new Error("no agent stream open");
    this.stream.write(encodeRecord(event));
  }

  acknowledge(u: StatusUpdateCall["status_update"], agentId: string): void {
    this.send({
      type: "STATUS_UPDATE_ACKNOWLEDGEMENT",
      status_update_acknowledgement: {
        agent_id: { value: agentId },
        framework_id: u.framework_id,
        task_id: u.status.task_id,
        uuid: u.status.uuid,
      },
    });
  }

  /** Closes the agent's stream (the agent should re-register). */
  dropStream(): void {
    this.stream?.end();
    this.stream = undefined;
  }

  /** Distinct states reported for a task, in the order first seen. */
  statesOf(taskId: string): string[] {
    const states: string[] = [];
    for (const u of this.updates) {
      if (u.status.task_id.value === taskId && states.at(-1) !== u.status.state) states.push(u.status.state);
    }
    return states;
  }

  async waitFor<T>(probe: () => T | undefined | false, timeoutMs = 10_000, what = "condition"): Promise<T> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const v = probe();
      if (v !== undefined && v !== false) return v;
      if (Date.now() > end) throw new Error(`fake master: timed out waiting for ${what}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, 20);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  async stop(): Promise<void> {
    this.dropStream();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private notify(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== "POST" || req.url !== AGENT_PROTOCOL_PATH) {
      res.writeHead(404).end();
      return;
    }
    let body = "";
    for await (const chunk of req) body += chunk;
    let call: AgentCall;
    try {
      call = parseAgentCall(JSON.parse(body));
    } catch (err) {
      res.writeHead(400, { "content-type": "text/plain" }).end((err as Error).message);
      return;
    }
    this.calls.push(call);
    this.notify();
    const ping = { ping_interval_seconds: this.opts.pingIntervalSeconds ?? 15, ping_timeout_seconds: this.opts.pingTimeoutSeconds ?? 75 };
    switch (call.type) {
      case "REGISTER":
      case "REREGISTER": {
        this.stream?.end();
        res.writeHead(200, { "content-type": "application/json", "tessera-agent-stream-id": String(this.nextId) });
        this.stream = res;
        res.on("close", () => {
          if (this.stream === res) this.stream = undefined;
        });
        const agentId = call.type === "REGISTER" ? { value: `agent-${this.nextId++}` } : call.agent_id;
        const field = call.type === "REGISTER" ? "registered" : "reregistered";
        this.send({ type: call.type === "REGISTER" ? "REGISTERED" : "REREGISTERED", [field]: { agent_id: agentId, ...ping } });
        return;
      }
      case "STATUS_UPDATE":
      case "STATUS_UPDATES": {
        res.writeHead(202).end();
        for (const u of call.type === "STATUS_UPDATE" ? [call.status_update] : call.status_updates.updates) {
          this.updates.push(u);
          const uuid = u.status.uuid;
          if (uuid) {
            const n = (this.deliveries.get(uuid) ?? 0) + 1;
            this.deliveries.set(uuid, n);
            if (this.autoAck && n >= this.ackAfterDeliveries && this.stream) this.acknowledge(u, call.agent_id.value);
          }
        }
        this.notify();
        return;
      }
      default:
        res.writeHead(202).end();
    }
  }
}
