import { inspect } from "node:util";

/** What a check may answer: a truthy value when the condition holds, anything falsy while it does not yet. */
export type Check<T> = () => T | undefined | null | false | Promise<T | undefined | null | false>;

export interface EventuallyOptions {
  /** How long to keep polling before giving up (default 20 s). */
  timeoutMs?: number;
  /** The pause between two checks (default 50 ms). */
  intervalMs?: number;
}

// Hand-written: testkit is runner-agnostic (vitest's vi.waitFor would tie vendors to vitest), and
// p-wait-for & co. bail on a throwing check instead of retrying it.
/**
 * Polls `check` until it returns a truthy value and resolves with that value. A check that throws
 * counts as "not yet"; on timeout the error names `what` (a function is asked only then, so it can
 * describe the state at that moment) and the last error, or else the last falsy value worth showing.
 */
export async function eventually<T>(what: string | (() => string), check: Check<T>, options: EventuallyOptions = {}): Promise<T> {
  const { timeoutMs = 20_000, intervalMs = 50 } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  let lastValue: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
      lastValue = value;
    } catch (e) {
      lastError = e;
    }
    const left = deadline - Date.now();
    if (left <= 0) throw timeoutError(what, timeoutMs, lastError, lastValue);
    await new Promise((r) => setTimeout(r, Math.min(intervalMs, left)));
  }
}

function timeoutError(what: string | (() => string), timeoutMs: number, lastError: unknown, lastValue: unknown): Error {
  const name = typeof what === "function" ? what() : what;
  let detail = "";
  if (lastError !== undefined) detail = `; last error: ${lastError instanceof Error ? lastError.message : inspect(lastError)}`;
  // undefined and false say nothing a reader of the message could use; null, 0, "" or NaN might.
  else if (lastValue !== undefined && lastValue !== false) detail = `; last value: ${inspect(lastValue)}`;
  return new Error(`timed out after ${timeoutMs} ms waiting for ${name}${detail}`, lastError === undefined ? undefined : { cause: lastError });
}
