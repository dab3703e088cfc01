import { describe, expect, it } from "vitest";
import { TASK_STATES, type TaskState } from "../api/agent-protocol/common.js";
import { canTaskTransition, IllegalTransitionError, isTerminalTaskState, taskTransition } from "./task-states.js";

describe("task state machine", () => {
  it("walks the normal life of a task", () => {
    let s: TaskState = "TASK_STAGING";
    for (const next of ["TASK_STARTING", "TASK_RUNNING", "TASK_RUNNING", "TASK_KILLING", "TASK_KILLED"] as const) {
      s = taskTransition("t1", s, next).state;
    }
    expect(s).toBe("TASK_KILLED");
  });

  it("frees resources exactly when a task becomes terminal", () => {
    expect(taskTransition("t", "TASK_RUNNING", "TASK_FINISHED").freesResources).toBe(true);
    expect(taskTransition("t", "TASK_STAGING", "TASK_ERROR").freesResources).toBe(true);
    expect(taskTransition("t", "TASK_RUNNING", "TASK_UNREACHABLE").freesResources).toBe(false);
    expect(taskTransition("t", "TASK_STARTING", "TASK_RUNNING").freesResources).toBe(false);
  });

  it("never leaves a terminal state", () => {
    for (const from of TASK_STATES.filter(isTerminalTaskState)) {
      for (const to of TASK_STATES) expect(canTaskTransition(from, to), `${from} -> ${to}`).toBe(false);
    }
  });

  it("refuses going backwards and storing TASK_UNKNOWN", () => {
    expect(() => taskTransition("t9", "TASK_RUNNING", "TASK_STAGING")).toThrow(
      new IllegalTransitionError("t9", "TASK_RUNNING", "TASK_STAGING"),
    );
    expect(() => taskTransition("t9", "TASK_RUNNING", "TASK_STAGING")).toThrow("task 't9': illegal transition TASK_RUNNING -> TASK_STAGING");
    expect(canTaskTransition("TASK_KILLING", "TASK_RUNNING")).toBe(false);
    expect(canTaskTransition("TASK_STAGING", "TASK_UNKNOWN")).toBe(false);
  });

  it("lets an unreachable task come back when its agent re-registers", () => {
    expect(canTaskTransition("TASK_UNREACHABLE", "TASK_RUNNING")).toBe(true);
    expect(canTaskTransition("TASK_UNREACHABLE", "TASK_GONE")).toBe(true);
  });
});
