// Task and operation states and status updates of mesos.v1.
import { z } from "zod";
import { pBool, pBytes, pDouble, pEnum, pEnumLenient, pInt32, pRepeated, pString, pUint32 } from "../proto-json.js";
import { ContainerStatus } from "./container.js";
import { AgentID, ExecutorID, Labels, OperationID, ResourceProviderID, TaskID, TimeInfo, UUID } from "./ids.js";
import { Resource } from "./values.js";

export const TASK_STATES = [
  "TASK_STAGING", "TASK_STARTING", "TASK_RUNNING", "TASK_KILLING", "TASK_FINISHED", "TASK_FAILED",
  "TASK_KILLED", "TASK_ERROR", "TASK_LOST", "TASK_DROPPED", "TASK_UNREACHABLE", "TASK_GONE",
  "TASK_GONE_BY_OPERATOR", "TASK_UNKNOWN",
] as const;
export type TaskState = (typeof TASK_STATES)[number];
export const TaskState = pEnum(TASK_STATES);

/** States after which a task never changes again. */
export const TERMINAL_TASK_STATES: ReadonlySet<TaskState> = new Set<TaskState>([
  "TASK_FINISHED", "TASK_FAILED", "TASK_KILLED", "TASK_ERROR", "TASK_LOST", "TASK_DROPPED", "TASK_GONE",
  "TASK_GONE_BY_OPERATOR",
]);

export const TASK_STATUS_SOURCES = ["SOURCE_MASTER", "SOURCE_AGENT", "SOURCE_EXECUTOR"] as const;
export type TaskStatusSource = (typeof TASK_STATUS_SOURCES)[number];

export const TASK_STATUS_REASONS = [
  "REASON_COMMAND_EXECUTOR_FAILED", "REASON_CONTAINER_LAUNCH_FAILED", "REASON_CONTAINER_LIMITATION",
  "REASON_CONTAINER_LIMITATION_DISK", "REASON_CONTAINER_LIMITATION_MEMORY", "REASON_CONTAINER_PREEMPTED",
  "REASON_CONTAINER_UPDATE_FAILED", "REASON_MAX_COMPLETION_TIME_REACHED", "REASON_EXECUTOR_REGISTRATION_TIMEOUT",
  "REASON_EXECUTOR_REREGISTRATION_TIMEOUT", "REASON_EXECUTOR_TERMINATED", "REASON_EXECUTOR_UNREGISTERED",
  "REASON_FRAMEWORK_REMOVED", "REASON_GC_ERROR", "REASON_INVALID_FRAMEWORKID", "REASON_INVALID_OFFERS",
  "REASON_IO_SWITCHBOARD_EXITED", "REASON_MASTER_DISCONNECTED", "REASON_RECONCILIATION",
  "REASON_RESOURCES_UNKNOWN", "REASON_AGENT_DISCONNECTED", "REASON_AGENT_DRAINING", "REASON_AGENT_REMOVED",
  "REASON_AGENT_REMOVED_BY_OPERATOR", "REASON_AGENT_REREGISTERED", "REASON_AGENT_RESTARTED",
  "REASON_AGENT_UNKNOWN", "REASON_TASK_KILLED_DURING_LAUNCH", "REASON_TASK_CHECK_STATUS_UPDATED",
  "REASON_TASK_HEALTH_CHECK_STATUS_UPDATED", "REASON_TASK_GROUP_INVALID", "REASON_TASK_GROUP_UNAUTHORIZED",
  "REASON_TASK_INVALID", "REASON_TASK_UNAUTHORIZED", "REASON_TASK_UNKNOWN",
] as const;
export type TaskStatusReason = (typeof TASK_STATUS_REASONS)[number];

export const CHECK_TYPES = ["UNKNOWN", "COMMAND", "HTTP", "TCP"] as const;
export const CheckStatusInfo = z.object({
  type: pEnumLenient(CHECK_TYPES),
  command: z.object({ exit_code: pInt32().optional() }).optional(),
  http: z.object({ status_code: pUint32().optional() }).optional(),
  tcp: z.object({ succeeded: pBool().optional() }).optional(),
});
export type CheckStatusInfo = z.infer<typeof CheckStatusInfo>;

export const TaskStatus = z.object({
  task_id: TaskID,
  state: TaskState,
  message: pString().optional(),
  source: pEnumLenient(TASK_STATUS_SOURCES),
  reason: pEnumLenient(TASK_STATUS_REASONS),
  data: pBytes().optional(),
  agent_id: AgentID.optional(),
  executor_id: ExecutorID.optional(),
  /** Seconds since the epoch. */
  timestamp: pDouble().optional(),
  /** 16 raw UUID bytes, base64; present when the update must be acknowledged. */
  uuid: pBytes().optional(),
  healthy: pBool().optional(),
  check_status: CheckStatusInfo.optional(),
  labels: Labels.optional(),
  container_status: ContainerStatus.optional(),
  unreachable_time: TimeInfo.optional(),
  limitation: z.object({ resources: pRepeated(Resource) }).optional(),
});
export type TaskStatus = z.infer<typeof TaskStatus>;

export const OPERATION_STATES = [
  "OPERATION_UNSUPPORTED", "OPERATION_PENDING", "OPERATION_FINISHED", "OPERATION_FAILED", "OPERATION_ERROR",
  "OPERATION_DROPPED", "OPERATION_UNREACHABLE", "OPERATION_GONE_BY_OPERATOR", "OPERATION_RECOVERING",
  "OPERATION_UNKNOWN",
] as const;
export type OperationState = (typeof OPERATION_STATES)[number];

export const OperationStatus = z.object({
  operation_id: OperationID.optional(),
  state: pEnum(OPERATION_STATES),
  message: pString().optional(),
  converted_resources: pRepeated(Resource),
  uuid: UUID.optional(),
  agent_id: AgentID.optional(),
  resource_provider_id: ResourceProviderID.optional(),
});
export type OperationStatus = z.infer<typeof OperationStatus>;
