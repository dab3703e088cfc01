import { describe, expect, it } from "vitest";
import type { TaskInfoJson } from "../api/agent-protocol/common.js";
import { commandEnv, killGraceMs, validateTask } from "./task-validation.js";

const cpus = { name: "cpus", type: "SCALAR", scalar: { value: 0.1 } };
const task = (over: Partial<TaskInfoJson>): TaskInfoJson =>
  ({ name: "t", task_id: { value: "t1" }, agent_id: { value: "a" }, resources: [cpus], command: { value: "echo hi" }, ...over }) as TaskInfoJson;

describe("validateTask", () => {
  it("accepts a shell command with resources and returns them parsed", () => {
    expect(validateTask(task({})).scalar("cpus")).toBe(0.1);
  });

  it("refuses a task with nothing to run", () => {
    expect(() => validateTask(task({ command: undefined }))).toThrow("task: needs command or container, has neither");
    expect(() => validateTask(task({ command: { shell: true } }))).toThrow("task.command.value: required");
  });

  it("accepts a container without a command", () => {
    expect(() => validateTask(task({ command: undefined, container: { type: "DOCKER" } }))).not.toThrow();
  });

  it("names the bad resource", () => {
    const bad = { name: "ports", type: "RANGES", ranges: { range: [{ begin: 31000, end: 30000 }] } };
    expect(() => validateTask(task({ resources: [cpus, bad] }))).toThrow(/^task\.resources\[1\]/);
    expect(() => validateTask(task({ resources: [] }))).toThrow("task.resources: task uses no resources");
  });

  it("names a bad environment variable and argument", () => {
    expect(() => validateTask(task({ command: { value: "x", environment: { variables: [{ name: "A", value: "1" }, { value: "2" }] } } }))).toThrow(
      "task.command.environment.variables[1].name: required",
    );
    expect(() => validateTask(task({ command: { value: "x", shell: false, arguments: ["x", 3] } }))).toThrow(
      "task.command.arguments[1]: expected string",
    );
  });

  it("reads the kill policy grace period, 3 s by default", () => {
    expect(killGraceMs(undefined)).toBe(3000);
    expect(killGraceMs({ grace_period: { nanoseconds: 500_000_000 } })).toBe(500);
    expect(() => validateTask(task({ kill_policy: { grace_period: { nanoseconds: -1 } } }))).toThrow(
      "task.kill_policy.grace_period.nanoseconds: expected a non-negative number, got -1",
    );
  });

  it("flattens the command environment", () => {
    expect(commandEnv(task({ command: { value: "x", environment: { variables: [{ name: "A", value: "1" }, { name: "B" }] } } }))).toEqual({
      A: "1",
      B: "",
    });
  });
});
