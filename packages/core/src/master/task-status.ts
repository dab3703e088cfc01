import { randomUUID } from "node:crypto";
import type { TaskStatusJson } from "../api/agent-protocol/common.js";
import type * as m from "../api/mesos/index.js";

/** A fresh status update uuid: the 16 raw bytes of a random UUID, base64 (as Mesos sends it). */
export function newStatusUuid(): string {
  return Buffer.from(randomUUID().replace(/-/g, ""), "hex").toString("base64");
}

export interface MasterStatusInput {
  taskId: string;
  state: m.TaskState;
  agentId?: string;
  executorId?: string;
  reason?: m.TaskStatusReason;
  message?: string;
  /** Reliable updates carry a uuid and are re-sent until acknowledged. */
  reliable: boolean;
  nowMs: number;
}

/** A TaskStatus the master itself generates (Mesos `SOURCE_MASTER`). */
export function masterStatus(input: MasterStatusInput): m.TaskStatus {
  return {
    task_id: { value: input.taskId },
    state: input.state,
    source: "SOURCE_MASTER",
    timestamp: input.nowMs / 1000,
    ...(input.agentId !== undefined && { agent_id: { value: input.agentId } }),
    ...(input.executorId !== undefined && { executor_id: { value: input.executorId } }),
    ...(input.reason !== undefined && { reason: input.reason }),
    ...(input.message !== undefined && { message: input.message }),
    ...(input.reliable && { uuid: newStatusUuid() }),
  };
}

/**
 * The status the master keeps and forwards for an agent's update: `raw`'s fields in its order, with
 * `task_id` and `agent_id` the given (shared) objects. Copied key by key because an object spread at
 * a megamorphic site gives every copy a hidden class of its own (V8 11: ~240 B per status).
 */
export function receivedStatus(raw: TaskStatusJson, taskId: m.TaskID, agentId: m.AgentID): m.TaskStatus {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(raw)) out[key] = raw[key as keyof TaskStatusJson];
  out.task_id = taskId;
  out.agent_id = agentId;
  return out as m.TaskStatus;
}

/** `statuses` with `status` appended, the oldest dropped past `max`: a new, exactly-sized array (push would over-allocate ~16 slots). */
export function appendStatus(statuses: readonly m.TaskStatus[], status: m.TaskStatus, max: number): m.TaskStatus[] {
  return statuses.slice(Math.max(0, statuses.length + 1 - max)).concat([status]);
}
