import type { ServerResponse } from "node:http";
import { encodeRecord } from "../api/recordio.js";
import type { EventSink } from "./event-sink.js";

/**
 * An event stream over an HTTP response, RecordIO framed. Events sent before `open` are held
 * (the master writes SUBSCRIBED before the handler knows the stream id for the headers).
 * Events sent in one turn of the event loop go out in one write: a busy master sends thousands
 * of small events a second, and a socket write per event cost more than the events themselves.
 */
export class RecordIOSink<E> implements EventSink<E> {
  private opened = false;
  private batch: string[] = [];
  private flushScheduled = false;
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
    this.opened = true;
    this.flush();
    if (this.closed) this.end();
  }

  send(event: E): boolean {
    if (this.closed) return false;
    this.batch.push(encodeRecord(event));
    if (this.opened && !this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        this.flush();
      });
    }
    return true;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.opened) this.end();
  }

  private flush(): void {
    if (this.batch.length === 0 || this.ended || this.res.destroyed) return;
    this.res.write(this.batch.length === 1 ? this.batch[0]! : this.batch.join(""));
    this.batch = [];
  }

  private end(): void {
    if (this.ended) return;
    this.flush();
    this.ended = true;
    this.res.end();
  }
}
