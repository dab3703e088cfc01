import { describe, expect, it } from "vitest";
import { eventually as coreCopy } from "../../core/test/support/eventually.js";
import { eventually as testkits } from "./eventually.js";

// Core's tests keep their own copy (testkit depends on core); both must keep one contract and message.
describe.each([
  ["@tessera/testkit", testkits],
  ["core's test copy", coreCopy],
])("eventually (%s)", (_name, eventually) => {
  it("resolves with the first truthy value the check returns, polling past falsy ones", async () => {
    const answers = [undefined, null, false, 0, "", "ready", "later"];
    let calls = 0;
    const value = await eventually("the answer", () => answers[calls++], { intervalMs: 1 });
    expect(value).toBe("ready");
    expect(calls).toBe(6);
  });

  it("waits for async checks", async () => {
    const readyAt = Date.now() + 60;
    let calls = 0;
    const value = await eventually(
      "a later answer",
      async () => {
        calls++;
        await new Promise((r) => setTimeout(r, 5));
        return Date.now() >= readyAt ? { at: Date.now() } : undefined;
      },
      { intervalMs: 10 },
    );
    expect(value.at).toBeGreaterThanOrEqual(readyAt);
    expect(calls).toBeGreaterThan(1);
  });

  it("times out naming what it waited for and after how long", async () => {
    const started = Date.now();
    await expect(eventually("the agent to register", () => false, { timeoutMs: 80, intervalMs: 10 })).rejects.toThrow(
      /^timed out after 80 ms waiting for the agent to register$/,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(80);
  });

  it("asks a `what` function only on timeout, so it can describe the state then", async () => {
    let launched = 0;
    let asked = 0;
    const what = () => {
      asked++;
      return `16 tasks to launch (${launched} so far)`;
    };
    await expect(eventually(what, () => ++launched >= 1000, { timeoutMs: 50, intervalMs: 5 })).rejects.toThrow(
      new RegExp(`waiting for 16 tasks to launch \\(\\d+ so far\\)$`),
    );
    expect(asked).toBe(1);
    expect(launched).toBeGreaterThan(1);
  });

  it("retries after a throwing check and resolves once it answers", async () => {
    let calls = 0;
    const value = await eventually(
      "the file",
      () => {
        if (++calls < 3) throw new Error("ENOENT: no such file");
        return "contents";
      },
      { intervalMs: 1 },
    );
    expect(value).toBe("contents");
    expect(calls).toBe(3);
  });

  it("puts the last error into the timeout error, and keeps it as the cause", async () => {
    let calls = 0;
    const failure = eventually(
      "the master to answer",
      async () => {
        throw new Error(`connect ECONNREFUSED (attempt ${++calls})`);
      },
      { timeoutMs: 40, intervalMs: 5 },
    );
    const error = await failure.then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).toBe(`timed out after 40 ms waiting for the master to answer; last error: connect ECONNREFUSED (attempt ${calls})`);
    expect((error?.cause as Error).message).toBe(`connect ECONNREFUSED (attempt ${calls})`);
  });

  it("shows the last falsy value when it says more than undefined or false", async () => {
    await expect(eventually("free seats", () => 0, { timeoutMs: 20, intervalMs: 5 })).rejects.toThrow(/waiting for free seats; last value: 0$/);
    await expect(eventually("a leader", () => null, { timeoutMs: 20, intervalMs: 5 })).rejects.toThrow(/waiting for a leader; last value: null$/);
  });

  it("gives up at the deadline even while a check hangs", async () => {
    const started = Date.now();
    let calls = 0;
    const hangs = () => {
      calls++;
      return new Promise<false>(() => {});
    };
    await expect(eventually("a frozen master to answer", hangs, { timeoutMs: 40, intervalMs: 5 })).rejects.toThrow(
      /^timed out after 40 ms waiting for a frozen master to answer$/,
    );
    expect(calls).toBe(1);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("gives up at the deadline instead of sleeping out a longer interval", async () => {
    const started = Date.now();
    await expect(eventually("never", () => false, { timeoutMs: 30, intervalMs: 5000 })).rejects.toThrow(/timed out after 30 ms waiting for never/);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
