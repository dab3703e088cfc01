// The bench's call connection: JSON POSTs pipelined on one keep-alive connection, as Mesos's own
// scheduler library sends calls (libprocess's http::Connection pipelines whatever is in flight).
// Hand-written on node:net because undici's per-request work (~35 µs) was a third of the bench
// process's CPU, and that process shares the 2 cores with the master it measures: every call made
// in one turn of the event loop leaves in one write, and answers are matched to calls in order.
import { connect, type Socket } from "node:net";
import type { Json } from "./e2e-http.js";

interface InFlight {
  what: string;
  resolve(): void;
  reject(e: Error): void;
}

const HEADER_END = Buffer.from("\r\n\r\n");

export class CallConnection {
  private socket: Socket | undefined;
  private readonly inFlight: InFlight[] = [];
  private pending = Buffer.alloc(0);
  private corked = false;
  private readonly host: string;
  private readonly port: number;

  constructor(origin: string) {
    const url = new URL(origin);
    this.host = url.hostname;
    this.port = Number(url.port);
  }

  /** Sends a call; resolves on 200 or 202, rejects naming the call and the answer otherwise. */
  post(path: string, body: Json, headers: Record<string, string> = {}): Promise<void> {
    const payload = JSON.stringify(body);
    let head = `POST ${path} HTTP/1.1\r\nHost: ${this.host}:${this.port}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(payload)}\r\n`;
    for (const k in headers) head += `${k}: ${headers[k]}\r\n`;
    const socket = this.open();
    if (!this.corked) {
      this.corked = true;
      socket.cork();
      process.nextTick(() => {
        this.corked = false;
        socket.uncork();
      });
    }
    socket.write(`${head}\r\n${payload}`);
    return new Promise((resolve, reject) => this.inFlight.push({ what: `${path} ${body.type}`, resolve, reject }));
  }

  close(): void {
    this.socket?.end();
    this.socket = undefined;
  }

  private open(): Socket {
    if (this.socket && !this.socket.destroyed) return this.socket;
    const socket = connect({ host: this.host, port: this.port, noDelay: true });
    socket.on("data", (chunk: Buffer) => this.read(chunk));
    const fail = (why: string) => {
      if (this.socket === socket) this.socket = undefined;
      this.pending = Buffer.alloc(0);
      for (const call of this.inFlight.splice(0)) call.reject(new Error(`${call.what}: ${why}`));
    };
    socket.on("error", (e) => fail(e.message));
    socket.on("close", () => fail("connection closed before the answer"));
    this.socket = socket;
    return socket;
  }

  /** Answers arrive in call order (HTTP/1.1 pipelining); each has a Content-Length (the master never chunks a call's answer). */
  private read(chunk: Buffer): void {
    let buf = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    for (;;) {
      const end = buf.indexOf(HEADER_END);
      if (end < 0) break;
      const head = buf.toString("latin1", 0, end);
      const length = /\r\ncontent-length: *(\d+)/i.exec(head);
      if (!length) {
        this.socket?.destroy(new Error(`answer without Content-Length: ${head.split("\r\n")[0]}`));
        return;
      }
      const total = end + 4 + Number(length[1]);
      if (buf.length < total) break;
      const status = Number(head.slice(9, 12));
      const call = this.inFlight.shift();
      if (status === 200 || status === 202) call?.resolve();
      else call?.reject(new Error(`${call.what}: ${status} ${buf.toString("utf8", end + 4, total)}`));
      buf = buf.subarray(total);
    }
    this.pending = buf.length === 0 ? Buffer.alloc(0) : Buffer.from(buf);
  }
}
