import type { Writable } from "node:stream";

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/**
 * Shows what a long wait is waiting for: a spinner line on a TTY, plain lines otherwise (each new
 * text once, so logs stay readable). Hand-written: ~40 lines, and cli-progress draws bars, not spinners.
 */
export class Progress {
  #text = "";
  #frame = 0;
  #timer: NodeJS.Timeout | undefined;
  readonly #tty: boolean;

  constructor(private readonly out: Writable & { isTTY?: boolean }) {
    this.#tty = out.isTTY === true && process.env.TERM !== "dumb";
  }

  /** Starts or changes the waiting text. */
  update(text: string): void {
    if (text === this.#text) return;
    this.#text = text;
    if (!this.#tty) {
      this.out.write(`… ${text}\n`);
      return;
    }
    this.#timer ??= setInterval(() => this.#render(), 80).unref();
    this.#render();
  }

  /** Prints a line above the spinner without disturbing it (on `to`, default the spinner's stream). */
  log(line: string, to: Writable = this.out): void {
    this.#clear();
    to.write(line.endsWith("\n") ? line : `${line}\n`);
    if (this.#timer) this.#render();
  }

  /** Ends the wait, leaving `line` (if any) in its place. */
  done(line?: string): void {
    this.#clear();
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#text = "";
    if (line) this.out.write(`${line}\n`);
  }

  #render(): void {
    if (!this.#tty || !this.#text) return;
    this.#frame = (this.#frame + 1) % FRAMES.length;
    this.out.write(`\r\x1b[K${FRAMES[this.#frame]} ${this.#text}`);
  }

  #clear(): void {
    if (this.#tty && this.#timer) this.out.write("\r\x1b[K");
  }
}
