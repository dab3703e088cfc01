/** Fires once when `feed()` has not been called for `timeoutMs`; used to notice lost heartbeats. */
export class Watchdog {
  #timer: NodeJS.Timeout | undefined;
  #last = 0;

  constructor(
    private readonly timeoutMs: number,
    private readonly onSilence: (silentMs: number) => void,
  ) {}

  start(): void {
    this.stop();
    this.#last = Date.now();
    this.#timer = setTimeout(() => this.#fire(), this.timeoutMs);
    this.#timer.unref();
  }

  feed(): void {
    this.#last = Date.now();
    this.#timer?.refresh();
  }

  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #fire(): void {
    this.#timer = undefined;
    this.onSilence(Date.now() - this.#last);
  }
}
