import { z } from "@tessera/core";
import { request, type Dispatcher } from "undici";
import type { LicenseCountSource } from "./license-source.js";

/** The license server's answer to GET <url> (see the README). Other fields are ignored. */
export const LicenseServerAnswer = z.looseObject({
  total: z.number().int().min(0),
  used_outside_cluster: z.number().int().min(0).default(0),
});

export interface HttpLicenseServerOptions {
  url: string;
  intervalMs: number;
  timeoutMs: number;
  backoffMaxMs: number;
  /** Where warnings go (a pino logger fits). */
  log: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
  dispatcher?: Dispatcher;
  /** Called after each answer that changed the count (e.g. to persist it for the next master). */
  onAnswer?: (answer: LicenseServerCount) => void;
}

/** A license server's answer as kept and persisted. */
export interface LicenseServerCount {
  total: number;
  usedOutsideCluster: number;
  /** ms since the epoch. */
  at: number;
}

/**
 * Polls a license server over HTTP. A poll that fails (unreachable, timeout, non-2xx, bad body)
 * keeps the last known count and logs a warning; the next poll waits twice as long each time,
 * up to `backoffMaxMs`, and the normal interval returns with the first good answer.
 */
export class HttpLicenseServerSource implements LicenseCountSource {
  #total = 0;
  #usedOutside = 0;
  #known = false;
  #restored = false;
  #failures = 0;
  #lastError: string | undefined;
  #lastOkAt: number | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #changed: () => void = () => {};

  constructor(readonly options: HttpLicenseServerOptions) {}

  available(): number {
    return Math.max(0, this.#total - this.#usedOutside);
  }

  /** Seeds the count a previous master last heard (used until the server answers). */
  restore(last: LicenseServerCount): void {
    if (this.#known) return;
    this.#total = last.total;
    this.#usedOutside = last.usedOutsideCluster;
    this.#lastOkAt = last.at;
    this.#known = true;
    this.#restored = true;
  }

  async start(changed: () => void): Promise<void> {
    this.#changed = changed;
    this.#stopped = false;
    await this.poll();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  /** One poll, then the next one is scheduled. Never rejects. */
  async poll(): Promise<void> {
    clearTimeout(this.#timer);
    const before = this.available();
    try {
      const answer = await this.fetch();
      const recovered = this.#failures > 0;
      const changed = !this.#known || this.#restored || answer.total !== this.#total || answer.used_outside_cluster !== this.#usedOutside;
      this.#total = answer.total;
      this.#usedOutside = answer.used_outside_cluster;
      this.#known = true;
      this.#restored = false;
      if (changed) this.options.onAnswer?.({ total: answer.total, usedOutsideCluster: answer.used_outside_cluster, at: Date.now() });
      this.#failures = 0;
      this.#lastError = undefined;
      this.#lastOkAt = Date.now();
      if (recovered) this.options.log.info({ url: this.options.url, total: answer.total }, "license server answers again");
    } catch (e) {
      this.#failures++;
      this.#lastError = e instanceof Error ? e.message : String(e);
      this.options.log.warn(
        { url: this.options.url, failures: this.#failures, seats: this.available(), known: this.#known, err: this.#lastError },
        this.#known ? "license server unreachable; keeping the last known count" : "license server unreachable and no count known yet; offering no seats",
      );
    }
    if (this.available() !== before) this.#changed();
    this.schedule();
  }

  describe(): Record<string, unknown> {
    return {
      type: "http",
      url: this.options.url,
      total: this.#total,
      used_outside_cluster: this.#usedOutside,
      known: this.#known,
      ...(this.#restored && { restored_from_registry: true }),
      reachable: this.#failures === 0 && this.#known,
      consecutive_failures: this.#failures,
      ...(this.#lastOkAt !== undefined && { last_answer_at: new Date(this.#lastOkAt).toISOString() }),
      ...(this.#lastError !== undefined && { last_error: this.#lastError }),
    };
  }

  /** Delay before the next poll: the interval, doubled per consecutive failure up to the cap. */
  nextDelayMs(): number {
    const { intervalMs, backoffMaxMs } = this.options;
    if (this.#failures === 0) return intervalMs;
    return Math.min(backoffMaxMs, intervalMs * 2 ** Math.min(this.#failures, 30));
  }

  private schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => void this.poll(), this.nextDelayMs());
    this.#timer.unref();
  }

  private async fetch(): Promise<z.output<typeof LicenseServerAnswer>> {
    const { url, timeoutMs, dispatcher } = this.options;
    const res = await request(url, {
      method: "GET",
      headers: { accept: "application/json" },
      signal: AbortSignal.timeout(timeoutMs),
      ...(dispatcher && { dispatcher }),
    }).catch((e: unknown) => {
      const err = e as Error;
      throw new Error(err.name === "TimeoutError" || err.name === "AbortError" ? `no answer within ${timeoutMs} ms` : err.message);
    });
    const text = await res.body.text();
    if (res.statusCode < 200 || res.statusCode > 299) throw new Error(`HTTP ${res.statusCode}: ${text.slice(0, 200)}`);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new Error(`answer is not JSON: ${text.slice(0, 200)}`);
    }
    const parsed = LicenseServerAnswer.safeParse(json);
    if (!parsed.success) {
      throw new Error(`answer does not follow the contract: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(top level)"}: ${i.message}`).join("; ")}`);
    }
    return parsed.data;
  }
}
