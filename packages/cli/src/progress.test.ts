import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { Progress } from "./progress.js";

function stream(tty: boolean): { out: PassThrough & { isTTY?: boolean }; text: () => string } {
  const out: PassThrough & { isTTY?: boolean } = new PassThrough();
  out.isTTY = tty;
  let text = "";
  out.on("data", (c: Buffer) => (text += c.toString()));
  return { out, text: () => text };
}

describe("Progress", () => {
  it("writes each new waiting text once as a plain line when not on a terminal", () => {
    const s = stream(false);
    const p = new Progress(s.out);
    p.update("waiting for an offer");
    p.update("waiting for an offer");
    p.log("TASK_RUNNING t-1");
    p.update("running");
    p.done("done");
    expect(s.text()).toBe("… waiting for an offer\nTASK_RUNNING t-1\n… running\ndone\n");
  });

  it("draws a spinner line on a terminal, clears it for log lines and when done", () => {
    const term = process.env.TERM;
    process.env.TERM = "xterm"; // TERM=dumb would rightly turn the spinner off
    const s = stream(true);
    const p = new Progress(s.out);
    if (term === undefined) delete process.env.TERM;
    else process.env.TERM = term;
    p.update("waiting");
    p.log("a line");
    p.done();
    expect(s.text()).toMatch(/^\r\x1b\[K. waiting\r\x1b\[Ka line\n\r\x1b\[K. waiting\r\x1b\[K$/);
  });
});
