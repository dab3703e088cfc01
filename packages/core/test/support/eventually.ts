import { inspect } from "node:util";
import { vi } from "vitest";

// Core keeps its own eventually (same contract and message as @tessera/testkit's): testkit depends on core.

/** What a check may answer: a truthy value when the condition holds, anything falsy while it does not yet. */
export type Check<T> = () => T | undefined | null | false | Promise<T | undefined | null | false>;

const NOT_YET = new Error("not yet");

/**
 * Polls `check` (on vitest's vi.waitFor: core's tests run only under vitest) until it returns a truthy
 * value and resolves with it. A throwing check counts as "not yet"; on timeout the error names `what`
 * (a function is asked only then) and the last error, or else the last falsy value worth showing.
 */
export async function eventually<T>(what: string | (() => string), check: Check<T>, options: { timeoutMs?: number; intervalMs?: number } = {}): Promise<T> {
  const { timeoutMs = 20_000, intervalMs = 50 } = options;
  let lastError: unknown;
  let lastValue: unknown;
  const attempt = async (): Promise<T> => {
    const value = await Promise.resolve()
      .then(check)
      .catch((e: unknown) => {
        lastError = e;
        throw e;
      });
    if (value) return value;
    lastValue = value;
    throw NOT_YET;
  };
  try {
    return await vi.waitFor(attempt, { timeout: timeoutMs, interval: intervalMs });
  } catch {
    const name = typeof what === "function" ? what() : what;
    const shown = lastError !== undefined ? `; last error: ${lastError instanceof Error ? lastError.message : inspect(lastError)}` : "";
    const value = lastError === undefined && lastValue !== undefined && lastValue !== false ? `; last value: ${inspect(lastValue)}` : "";
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${name}${shown}${value}`, lastError === undefined ? undefined : { cause: lastError });
  }
}
