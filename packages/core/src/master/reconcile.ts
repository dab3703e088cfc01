// Task reconciliation as Mesos's master does it (Master::_reconcileTasks).
import type * as m from "../api/mesos/index.js";
import type { TaskRecord } from "./records.js";
import { masterStatus } from "./task-status.js";

/** What the master knows about an agent id. */
export type AgentStanding = "registered" | "recovered" | "unreachable" | "gone" | "unknown";

export interface ReconcileInput {
  partitionAware: boolean;
  /** The framework's tasks the master tracks (live, unreachable, terminal but unacknowledged). */
  tasks: ReadonlyMap<string, TaskRecord>;
  /** The listed tasks; empty means implicit reconciliation (all known tasks). */
  request: ReadonlyArray<{ task_id: { value: string }; agent_id?: { value: string } }>;
  standing(agentId: string): AgentStanding;
  /** Some agents are in the registry but have not re-registered since the master started. */
  hasRecoveredAgents: boolean;
  nowMs: number;
}

function latest(task: TaskRecord, partitionAware: boolean, nowMs: number): m.TaskStatus {
  const state = task.state === "TASK_UNREACHABLE" && !partitionAware ? "TASK_LOST" : task.state;
  const last = task.statuses.at(-1);
  return masterStatus({
    taskId: task.id,
    state,
    agentId: task.agentId,
    ...(task.executorId !== undefined && { executorId: task.executorId }),
    reason: "REASON_RECONCILIATION",
    ...(last?.message !== undefined && { message: last.message }),
    reliable: false,
    nowMs,
  });
}

/**
 * The status updates a RECONCILE call answers with; they carry no uuid (no acknowledgement).
 * Unknown tasks get TASK_GONE / TASK_UNREACHABLE / TASK_GONE_BY_OPERATOR / TASK_UNKNOWN by what
 * is known of their agent (TASK_LOST for frameworks without PARTITION_AWARE); none while the
 * agent may still re-register after a master failover.
 */
export function reconcileStatuses(input: ReconcileInput): m.TaskStatus[] {
  const { partitionAware: pa, nowMs } = input;
  if (input.request.length === 0) return [...input.tasks.values()].map((t) => latest(t, pa, nowMs));
  const out: m.TaskStatus[] = [];
  for (const { task_id, agent_id } of input.request) {
    const task = input.tasks.get(task_id.value);
    if (task && (agent_id === undefined || agent_id.value === task.agentId)) {
      out.push(latest(task, pa, nowMs));
      continue;
    }
    let state: m.TaskState | undefined;
    if (agent_id === undefined) state = input.hasRecoveredAgents ? undefined : pa ? "TASK_UNKNOWN" : "TASK_LOST";
    else {
      switch (input.standing(agent_id.value)) {
        case "registered":
          state = pa ? "TASK_GONE" : "TASK_LOST";
          break;
        case "recovered":
          state = undefined;
          break;
        case "unreachable":
          state = pa ? "TASK_UNREACHABLE" : "TASK_LOST";
          break;
        case "gone":
          state = pa ? "TASK_GONE_BY_OPERATOR" : "TASK_LOST";
          break;
        case "unknown":
          state = pa ? "TASK_UNKNOWN" : "TASK_LOST";
          break;
      }
    }
    if (state === undefined) continue;
    out.push(
      masterStatus({
        taskId: task_id.value,
        state,
        ...(agent_id !== undefined && { agentId: agent_id.value }),
        reason: "REASON_RECONCILIATION",
        message: "Reconciliation: task is unknown to the master",
        reliable: false,
        nowMs,
      }),
    );
  }
  return out;
}
