import type { TaskState } from "../api/agent-protocol/common.js";
import { TERMINAL_TASK_STATES } from "../api/mesos/status.js";

// Terminal states free the task's resources; the list is Mesos's, kept once beside the TaskState enum.
const TERMINAL = TERMINAL_TASK_STATES;

const ACTIVE: readonly TaskState[] = ["TASK_STAGING", "TASK_STARTING", "TASK_RUNNING", "TASK_KILLING"];
const ENDS: readonly TaskState[] = [...TERMINAL, "TASK_UNREACHABLE"];

/**
 * Legal moves. RUNNING→RUNNING is legal (health check updates). UNREACHABLE is not terminal: a
 * partitioned agent that comes back reports its tasks again (Mesos partition awareness).
 * TASK_UNKNOWN is only ever an answer to reconciliation, never a stored state.
 */
const NEXT: ReadonlyMap<TaskState, ReadonlySet<TaskState>> = new Map<TaskState, ReadonlySet<TaskState>>([
  ["TASK_STAGING", new Set<TaskState>([...ACTIVE, ...ENDS])],
  ["TASK_STARTING", new Set<TaskState>(["TASK_STARTING", "TASK_RUNNING", "TASK_KILLING", ...ENDS])],
  ["TASK_RUNNING", new Set<TaskState>(["TASK_RUNNING", "TASK_KILLING", ...ENDS])],
  ["TASK_KILLING", new Set<TaskState>(["TASK_KILLING", ...ENDS])],
  ["TASK_UNREACHABLE", new Set<TaskState>([...ACTIVE, ...ENDS])],
]);

export function isTerminalTaskState(state: TaskState): boolean {
  return TERMINAL.has(state);
}

/** Whether a task may move from `from` to `to`. */
export function canTaskTransition(from: TaskState, to: TaskState): boolean {
  return NEXT.get(from)?.has(to) ?? false;
}

export class IllegalTransitionError extends Error {
  constructor(
    readonly taskId: string,
    readonly from: TaskState,
    readonly to: TaskState,
  ) {
    super(`task '${taskId}': illegal transition ${from} -> ${to}`);
    this.name = "IllegalTransitionError";
  }
}

/**
 * The state a task enters on an update, or an error for an illegal move.
 * `freesResources` is true exactly when the task leaves the live set (entering a terminal state).
 */
export function taskTransition(taskId: string, from: TaskState, to: TaskState): { state: TaskState; freesResources: boolean } {
  if (!canTaskTransition(from, to)) throw new IllegalTransitionError(taskId, from, to);
  return { state: to, freesResources: !TERMINAL.has(from) && TERMINAL.has(to) };
}
