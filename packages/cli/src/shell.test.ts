import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { exitCodeOf } from "./exit-code.js";
import { shellJoin } from "./shell.js";

describe("shellJoin", () => {
  it("gives sh -c back the same words, whatever they contain", () => {
    const words = ["printf", "%s|", "plain", "two words", "it's", "$HOME", "a\"b", "", "*"];
    const out = execFileSync("sh", ["-c", shellJoin(words)], { encoding: "utf8" });
    expect(out).toBe(words.slice(2).map((w) => `${w}|`).join(""));
  });

  it("leaves plain words alone so the command reads as typed", () => {
    expect(shellJoin(["exit", "3"])).toBe("exit 3");
  });
});

describe("exitCodeOf", () => {
  const st = (state: string, message?: string) => ({ task_id: { value: "t" }, state, message }) as Parameters<typeof exitCodeOf>[0];
  it("maps task endings to process exit codes", () => {
    expect(exitCodeOf(st("TASK_FINISHED"))).toBe(0);
    expect(exitCodeOf(st("TASK_FAILED", "Command exited with status 3"))).toBe(3);
    expect(exitCodeOf(st("TASK_KILLED", "Command terminated with signal 9"))).toBe(137);
    expect(exitCodeOf(st("TASK_LOST", "agent gone"))).toBe(1);
    expect(exitCodeOf(st("TASK_FAILED", "Command exited with status 0"))).toBe(1);
  });
});
