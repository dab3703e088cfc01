import { randomUUID } from "node:crypto";
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
