/** Where a connected framework's or agent's events go (an HTTP RecordIO stream, or a test array). */
export interface EventSink<E> {
  /** Returns false when the sink is closed and the event was dropped. */
  send(event: E): boolean;
  close(): void;
  readonly closed: boolean;
}

/** Collects events in memory; tests and in-process tools use it in place of an HTTP stream. */
export class MemorySink<E> implements EventSink<E> {
  readonly events: E[] = [];
  closed = false;
  send(event: E): boolean {
    if (this.closed) return false;
    this.events.push(event);
    return true;
  }
  close(): void {
    this.closed = true;
  }
}
