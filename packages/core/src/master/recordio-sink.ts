import type { ServerResponse } from "node:http";
import { encodeRecord } from "../api/recordio.js";
import type { EventSink } from "./event-sink.js";

/**
 * An event stream over an HTTP response, RecordIO framed. Events sent before `open` are held
 * (the master writes SUBSCRIBED before the handler knows the stream id for the headers).
 */
export class RecordIOSink<E> implements EventSink<E> {
  private pending: string[] | undefined = [];
  private ended = false;
  closed = false;

  constructor(
    private readonly res: ServerResponse,
    onDisconnect: () => void,
  ) {
    res.on("close", () => {
      const wasOpen = !this.closed;
      this.closed = true;
      if (wasOpen) onDisconnect();
    });
  }

  /** Writes the 200 headers and everything sent so far. */
  open(headers: Record<string, string>): void {
    if (this.res.headersSent || this.ended) return;
    this.res.writeHead(200, { "Cache-Control": "no-cache", Connection: "keep-alive", ...headers });
    this.res.flushHeaders();
    const held = this.pending ?? [];
    this.pending = undefined;
    for (const record of held) this.res.write(record);
    if (this.closed) this.end();
  }

  send(event: E): boolean {
    if (this.closed) return false;
    const record = encodeRecord(event);
    if (this.pending) this.pending.push(record);
    else this.res.write(record);
    return true;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (!this.pending) this.end();
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.res.end();
  }
}
