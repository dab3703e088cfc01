import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedCall {
  body: { type: string; [k: string]: unknown };
  streamId: string | undefined;
}

/**
 * A stand-in for a Mesos master's scheduler endpoint, for tests: records calls, answers SUBSCRIBE
 * with a RecordIO stream the test writes to by hand, and can redirect or drop connections.
 */
export class FakeMaster {
  readonly calls: ReceivedCall[] = [];
  /** When set, every request is answered 307 with this Location. */
  redirectTo: string | undefined;
  /** When set, non-SUBSCRIBE calls are answered with this status and body. */
  failCallsWith: { status: number; body: string } | undefined;
  #server: Server;
  #stream: ServerResponse | undefined;
  #streams = 0;
  #waiters: { type: string; count: number; resolve: () => void }[] = [];
  url = "";

  constructor() {
    this.#server = createServer((req, res) => void this.#handle(req, res));
  }

  async start(): Promise<this> {
    await new Promise<void>((r) => this.#server.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.#stream?.destroy();
    this.#server.closeAllConnections();
    await new Promise<void>((r) => this.#server.close(() => r()));
  }

  get streamOpen(): boolean {
    return this.#stream !== undefined && !this.#stream.destroyed;
  }

  callsOf(type: string): ReceivedCall[] {
    return this.calls.filter((c) => c.body.type === type);
  }

  /** Resolves once `count` calls of `type` have arrived in total. */
  waitFor(type: string, count = 1): Promise<void> {
    if (this.callsOf(type).length >= count) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ type, count, resolve }));
  }

  /** Writes one event, RecordIO-framed, on the open SUBSCRIBE stream. */
  send(event: unknown): void {
    this.sendRaw(frame(event));
  }

  sendRaw(bytes: Buffer | string): void {
    if (!this.#stream) throw new Error("FakeMaster: no open SUBSCRIBE stream");
    this.#stream.write(bytes);
  }

  /** Cuts the SUBSCRIBE connection, as a crashed master or a broken network would. */
  dropStream(): void {
    this.#stream?.destroy();
    this.#stream = undefined;
  }

  /** Ends the SUBSCRIBE response cleanly. */
  endStream(): void {
    this.#stream?.end();
    this.#stream = undefined;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (this.redirectTo) {
      res.writeHead(307, { location: this.redirectTo }).end();
      return;
    }
    if (req.method !== "POST" || req.url !== "/api/v1/scheduler") {
      res.writeHead(404).end();
      return;
    }
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as ReceivedCall["body"];
    const streamId = req.headers["mesos-stream-id"] as string | undefined;
    this.calls.push({ body, streamId });
    this.#waiters = this.#waiters.filter((w) => {
      if (this.callsOf(w.type).length < w.count) return true;
      w.resolve();
      return false;
    });
    if (body.type === "SUBSCRIBE") {
      this.#stream?.destroy();
      this.#streams++;
      res.writeHead(200, { "content-type": "application/json", "mesos-stream-id": `stream-${this.#streams}` });
      res.flushHeaders();
      this.#stream = res;
      return;
    }
    if (this.failCallsWith) {
      res.writeHead(this.failCallsWith.status, { "content-type": "text/plain" }).end(this.failCallsWith.body);
      return;
    }
    if (body.type === "TEARDOWN" && streamId === `stream-${this.#streams}`) {
      // As Mesos does: the framework is gone before the call is answered.
      this.endStream();
      await new Promise((r) => setTimeout(r, 20));
    }
    if (streamId !== `stream-${this.#streams}` && body.type !== "TEARDOWN") {
      res.writeHead(400).end(`The stream ID '${streamId}' included in this request didn't match the stream ID currently associated with framework`);
      return;
    }
    res.writeHead(202).end();
  }
}

export function frame(event: unknown): Buffer {
  const payload = Buffer.from(JSON.stringify(event), "utf8");
  return Buffer.concat([Buffer.from(`${payload.length}\n`, "ascii"), payload]);
}

export function subscribedEvent(frameworkId: string, heartbeatSeconds = 15): unknown {
  return {
    type: "SUBSCRIBED",
    subscribed: { framework_id: { value: frameworkId }, heartbeat_interval_seconds: heartbeatSeconds },
  };
}

export function offer(id: string, agent: string, resources: { cpus: number; mem: number; ports?: [number, number] }): unknown {
  return {
    id: { value: id },
    framework_id: { value: "fw-1" },
    agent_id: { value: agent },
    hostname: "localhost",
    resources: [
      { name: "cpus", type: "SCALAR", scalar: { value: resources.cpus } },
      { name: "mem", type: "SCALAR", scalar: { value: resources.mem } },
      ...(resources.ports ? [{ name: "ports", type: "RANGES", ranges: { range: [{ begin: resources.ports[0], end: resources.ports[1] }] } }] : []),
    ],
  };
}
