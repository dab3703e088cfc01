import { z } from "zod";

/** Mesos wraps every id as `{ "value": "..." }`. */
export const IdSchema = z.object({ value: z.string().min(1) });
export type Id = z.infer<typeof IdSchema>;

/**
 * Mesos Resource JSON (`{name, type, scalar|ranges|set, role?, reservations?, ...}`), kept loose here:
 * the receiver parses it with `Resources.fromJSON(value, path)` from `resources/`, which owns its rules.
 */
export const ResourceJsonSchema = z.looseObject({ name: z.string().min(1) });
export type ResourceJson = z.infer<typeof ResourceJsonSchema>;

/** Mesos Attribute JSON: `{name, type: TEXT|SCALAR|RANGES|SET, text|scalar|ranges|set}`. */
export const AttributeJsonSchema = z.looseObject({ name: z.string().min(1), type: z.string() });
export type AttributeJson = z.infer<typeof AttributeJsonSchema>;

/** What an agent says about itself; its HTTP address (hostname:port) serves /files and operators. */
export const AgentInfoSchema = z.object({
  hostname: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  resources: z.array(ResourceJsonSchema).default([]),
  attributes: z.array(AttributeJsonSchema).default([]),
  /** Set by the master once registered; ignored on REGISTER. */
  id: IdSchema.optional(),
  domain: z.unknown().optional(),
});
export type AgentInfo = z.infer<typeof AgentInfoSchema>;

/**
 * Mesos v1 TaskInfo JSON. The master validated it against the scheduler API schemas (api/mesos/)
 * before sending; only the fields every agent needs are checked here, the rest pass through.
 */
export const TaskInfoJsonSchema = z.looseObject({
  name: z.string(),
  task_id: IdSchema,
  agent_id: IdSchema,
  resources: z.array(ResourceJsonSchema).default([]),
  command: z.looseObject({}).optional(),
  container: z.looseObject({}).optional(),
  executor: z.looseObject({}).optional(),
  kill_policy: z.looseObject({}).optional(),
});
export type TaskInfoJson = z.infer<typeof TaskInfoJsonSchema>;

/** Mesos v1 ExecutorInfo JSON (for task groups and custom executors). */
export const ExecutorInfoJsonSchema = z.looseObject({
  executor_id: IdSchema,
  framework_id: IdSchema.optional(),
  type: z.string().optional(),
  resources: z.array(ResourceJsonSchema).default([]),
});
export type ExecutorInfoJson = z.infer<typeof ExecutorInfoJsonSchema>;

/** Mesos v1 FrameworkInfo JSON; the agent needs user, name, id, roles, checkpoint. */
export const FrameworkInfoJsonSchema = z.looseObject({
  user: z.string(),
  name: z.string(),
  id: IdSchema.optional(),
});
export type FrameworkInfoJson = z.infer<typeof FrameworkInfoJsonSchema>;

export const TASK_STATES = [
  "TASK_STAGING",
  "TASK_STARTING",
  "TASK_RUNNING",
  "TASK_KILLING",
  "TASK_FINISHED",
  "TASK_FAILED",
  "TASK_KILLED",
  "TASK_ERROR",
  "TASK_LOST",
  "TASK_DROPPED",
  "TASK_UNREACHABLE",
  "TASK_GONE",
  "TASK_GONE_BY_OPERATOR",
  "TASK_UNKNOWN",
] as const;
export const TaskStateSchema = z.enum(TASK_STATES);
export type TaskState = z.infer<typeof TaskStateSchema>;

/**
 * Mesos v1 TaskStatus JSON. `uuid` (base64, as Mesos) makes an update reliable: the master re-sends
 * it to the framework until acknowledged and forwards the acknowledgement back to the agent.
 */
export const TaskStatusJsonSchema = z.looseObject({
  task_id: IdSchema,
  state: TaskStateSchema,
  message: z.string().optional(),
  source: z.enum(["SOURCE_MASTER", "SOURCE_AGENT", "SOURCE_EXECUTOR"]).optional(),
  reason: z.string().optional(),
  data: z.string().optional(),
  agent_id: IdSchema.optional(),
  executor_id: IdSchema.optional(),
  timestamp: z.number().optional(),
  uuid: z.string().optional(),
  healthy: z.boolean().optional(),
  container_status: z.looseObject({}).optional(),
});
export type TaskStatusJson = z.infer<typeof TaskStatusJsonSchema>;

/** A task as the agent reports it on REREGISTER (Mesos `Task`, trimmed to what recovery needs). */
export const AgentTaskSchema = z.looseObject({
  name: z.string(),
  task_id: IdSchema,
  framework_id: IdSchema,
  executor_id: IdSchema.optional(),
  agent_id: IdSchema,
  state: TaskStateSchema,
  resources: z.array(ResourceJsonSchema).default([]),
  statuses: z.array(TaskStatusJsonSchema).default([]),
  /** Latest status not yet acknowledged by the framework, so the master can keep re-sending it. */
  status_update_state: TaskStateSchema.optional(),
  status_update_uuid: z.string().optional(),
});
export type AgentTask = z.infer<typeof AgentTaskSchema>;
