import { describe, expect, it } from "vitest";
import { TASK_STATES, type TaskState } from "../api/agent-protocol/common.js";
import { canTransition, IllegalTransitionError, isTerminalTaskState, transition } from "./task-states.js";

describe("task state machine", () => {
  it("walks the normal life of a task", () => {
    let s: TaskState = "TASK_STAGING";
    for (const next of ["TASK_STARTING", "TASK_RUNNING", "TASK_RUNNING", "TASK_KILLING", "TASK_KILLED"] as const) {
      s = transition("t1", s, next).state;
    }
    expect(s).toBe("TASK_KILLED");
  });

  it("frees resources exactly when a task becomes terminal", () => {
    expect(transition("t", "TASK_RUNNING", "TASK_FINISHED").freesResources).toBe(true);
    expect(transition("t", "TASK_STAGING", "TASK_ERROR").freesResources).toBe(true);
    expect(transition("t", "TASK_RUNNING", "TASK_UNREACHABLE").freesResources).toBe(false);
    expect(transition("t", "TASK_STARTING", "TASK_RUNNING").freesResources).toBe(false);
  });

  it("never leaves a terminal state", () => {
    for (const from of TASK_STATES.filter(isTerminalTaskState)) {
      for (const to of TASK_STATES) expect(canTransition(from, to), `${from} -> ${to}`).toBe(false);
    }
  });

  it("refuses going backwards and storing TASK_UNKNOWN", () => {
    expect(() => transition("t9", "TASK_RUNNING", "TASK_STAGING")).toThrow(
      new IllegalTransitionError("t9", "TASK_RUNNING", "TASK_STAGING"),
    );
    expect(() => transition("t9", "TASK_RUNNING", "TASK_STAGING")).toThrow("task 't9': illegal transition TASK_RUNNING -> TASK_STAGING");
    expect(canTransition("TASK_KILLING", "TASK_RUNNING")).toBe(false);
    expect(canTransition("TASK_STAGING", "TASK_UNKNOWN")).toBe(false);
  });

  it("lets an unreachable task come back when its agent re-registers", () => {
    expect(canTransition("TASK_UNREACHABLE", "TASK_RUNNING")).toBe(true);
    expect(canTransition("TASK_UNREACHABLE", "TASK_GONE")).toBe(true);
  });
});
