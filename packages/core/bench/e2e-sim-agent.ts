// A simulated agent for the end-to-end bench: speaks the internal agent protocol (REGISTER
// stream, STATUS_UPDATES calls, PONGs) and "runs" every task with a no-op containerizer: RUNNING at
// once, FINISHED as soon as RUNNING is acknowledged (the real agent's one-update-in-flight rule).
// Like the real agent, it sends the updates that became ready in one turn of the event loop together.
import { randomBytes } from "node:crypto";
import { AGENT_PROTOCOL_PATH } from "../src/api/agent-protocol/index.js";
import { CallConnection } from "./e2e-connection.js";
import { openStream, type EventStream, type Json } from "./e2e-http.js";

// Unique 16-byte ids without a CSPRNG call per update (randomBytes was a tenth of the client's CPU):
// a random 8-byte prefix per process and a counter.
const uuidBytes = Buffer.concat([randomBytes(8), Buffer.alloc(8)]);
let uuidSeq = 0n;
const uuid = () => {
  uuidBytes.writeBigUInt64BE(++uuidSeq, 8);
  return uuidBytes.toString("base64");
};

export class SimAgent {
  agentId = "";
  private stream: EventStream | undefined;
  /** uuid of the RUNNING update → what to send once it is acknowledged. */
  private readonly awaitingAck = new Map<string, { frameworkId: string; taskId: string }>();
  private ready: Json[] = [];
  /** Its own connection, as each agent has. */
  private readonly calls: CallConnection;
  readonly errors: string[] = [];

  constructor(
    private readonly origin: string,
    private readonly hostname: string,
    private readonly port: number,
    private readonly resources: Json[],
  ) {
    this.calls = new CallConnection(origin);
  }

  async register(): Promise<void> {
    let registered!: () => void;
    const done = new Promise<void>((r) => (registered = r));
    this.stream = await openStream(
      this.origin,
      AGENT_PROTOCOL_PATH,
      { type: "REGISTER", register: { agent_info: { hostname: this.hostname, port: this.port, resources: this.resources, attributes: [] }, version: "1.0.0" } },
      (e) => {
        if (e.type === "REGISTERED") {
          this.agentId = e.registered.agent_id.value;
          registered();
        } else this.onEvent(e);
      },
    );
    await done;
  }

  private onEvent(e: Json): void {
    switch (e.type) {
      case "RUN_TASK": {
        const fid = e.run_task.framework_id.value as string;
        this.update(fid, e.run_task.task.task_id.value, "TASK_RUNNING");
        return;
      }
      case "STATUS_UPDATE_ACKNOWLEDGEMENT": {
        const next = this.awaitingAck.get(e.status_update_acknowledgement.uuid);
        if (!next) return;
        this.awaitingAck.delete(e.status_update_acknowledgement.uuid);
        this.update(next.frameworkId, next.taskId, "TASK_FINISHED");
        return;
      }
      case "PING":
        this.send({ type: "PONG", agent_id: { value: this.agentId } });
        return;
    }
  }

  private update(frameworkId: string, taskId: string, state: "TASK_RUNNING" | "TASK_FINISHED"): void {
    const id = uuid();
    if (state === "TASK_RUNNING") this.awaitingAck.set(id, { frameworkId, taskId });
    const update = { framework_id: { value: frameworkId }, status: { task_id: { value: taskId }, state, source: "SOURCE_EXECUTOR", uuid: id, timestamp: Date.now() / 1000 } };
    if (this.ready.push(update) > 1) return;
    setImmediate(() => {
      const updates = this.ready;
      this.ready = [];
      this.send({ type: "STATUS_UPDATES", agent_id: { value: this.agentId }, status_updates: { updates } });
    });
  }

  private send(body: Json): void {
    this.calls.post(AGENT_PROTOCOL_PATH, body).catch((err: unknown) => {
      if (this.errors.length < 10) this.errors.push(err instanceof Error ? err.message : String(err));
    });
  }

  close(): void {
    this.stream?.close();
    this.calls.close();
  }
}
