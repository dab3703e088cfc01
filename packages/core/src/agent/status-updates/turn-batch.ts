interface Waiter {
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * Gathers what is handed over during one turn of the event loop and sends it with one call, in the
 * order it came; each `add` settles with that call. The agent sends its ready status updates this
 * way (one STATUS_UPDATES request instead of one request per update). Hand-written: it is a dozen
 * lines around setImmediate, which no batching library expresses more simply.
 */
export class TurnBatch<T> {
  private items: T[] = [];
  private waiters: Waiter[] = [];

  constructor(private readonly sendAll: (items: T[]) => Promise<void>) {}

  add(item: T): Promise<void> {
    if (this.items.push(item) === 1) setImmediate(() => this.flush());
    return new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  private flush(): void {
    const items = this.items;
    const waiters = this.waiters;
    this.items = [];
    this.waiters = [];
    this.sendAll(items).then(
      () => waiters.forEach((w) => w.resolve()),
      (err: unknown) => waiters.forEach((w) => w.reject(err)),
    );
  }
}
