import { setTimeout as sleep } from "node:timers/promises";
import { inspect } from "node:util";

/** What a check may answer: a truthy value when the condition holds, anything falsy while it does not yet. */
export type Check<T> = () => T | undefined | null | false | Promise<T | undefined | null | false>;

export interface EventuallyOptions {
  /** How long to keep polling before giving up (default 20 s). */
  timeoutMs?: number;
  /** The pause between the end of one check and the start of the next (default 50 ms). */
  intervalMs?: number;
}

const TIMED_OUT = Symbol("timed out");

// Hand-written: testkit is runner-agnostic (vitest's vi.waitFor would tie vendors to vitest), and
// p-wait-for & co. bail on a throwing check instead of retrying it.
/**
 * Polls `check` until it returns a truthy value and resolves with that value. A check that throws
 * counts as "not yet". At `timeoutMs` it rejects, even while a check hangs (say, on a frozen peer),
 * with an error that names `what` (a function is asked only then, so it can describe the state at
 * that moment) and the last error, or else the last falsy value worth showing.
 */
export async function eventually<T>(what: string | (() => string), check: Check<T>, options: EventuallyOptions = {}): Promise<T> {
  const { timeoutMs = 20_000, intervalMs = 50 } = options;
  const stop = new AbortController();
  const timedOut = sleep(timeoutMs, TIMED_OUT, { signal: stop.signal }).catch((): typeof TIMED_OUT => TIMED_OUT);
  let lastError: unknown;
  let lastValue: unknown;
  try {
    for (;;) {
      const outcome = await Promise.race([attempt(check), timedOut]);
      if (outcome === TIMED_OUT) break;
      if ("error" in outcome) lastError = outcome.error;
      else if (outcome.value) return outcome.value;
      else lastValue = outcome.value;
      if ((await Promise.race([sleep(intervalMs, undefined, { signal: stop.signal }), timedOut])) === TIMED_OUT) break;
    }
  } finally {
    stop.abort();
  }
  throw timeoutError(what, timeoutMs, lastError, lastValue);
}

function attempt<T>(check: Check<T>): Promise<{ value: T | undefined | null | false } | { error: unknown }> {
  return Promise.resolve()
    .then(check)
    .then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
}

function timeoutError(what: string | (() => string), timeoutMs: number, lastError: unknown, lastValue: unknown): Error {
  const name = typeof what === "function" ? what() : what;
  let detail = "";
  if (lastError !== undefined) detail = `; last error: ${lastError instanceof Error ? lastError.message : inspect(lastError)}`;
  // undefined and false say nothing a reader of the message could use; null, 0, "" or NaN might.
  else if (lastValue !== undefined && lastValue !== false) detail = `; last value: ${inspect(lastValue)}`;
  return new Error(`timed out after ${timeoutMs} ms waiting for ${name}${detail}`, lastError === undefined ? undefined : { cause: lastError });
}
