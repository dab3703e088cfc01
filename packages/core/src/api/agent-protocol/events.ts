import { z } from "zod";
import {
  ExecutorInfoJsonSchema,
  FrameworkInfoJsonSchema,
  IdSchema,
  ResourceJsonSchema,
  TaskInfoJsonSchema,
} from "./common.js";
import { AgentProtocolError, describeZodError, dropNulls } from "./errors.js";

export const AGENT_EVENT_TYPES = [
  "REGISTERED",
  "REREGISTERED",
  "RUN_TASK",
  "RUN_TASK_GROUP",
  "KILL_TASK",
  "STATUS_UPDATE_ACKNOWLEDGEMENT",
  "SHUTDOWN_FRAMEWORK",
  "UPDATE_FRAMEWORK",
  "FRAMEWORK_MESSAGE",
  "RECONCILE_TASKS",
  "CHECKPOINT_RESOURCES",
  "PING",
  "SHUTDOWN",
] as const;
export type AgentEventType = (typeof AGENT_EVENT_TYPES)[number];

export const RegisteredSchema = z.object({
  agent_id: IdSchema,
  master_id: z.string().optional(),
  /** The master sends PING this often; the agent answers each with a PONG call. */
  ping_interval_seconds: z.number().positive(),
  /** After this long without a PING the agent treats the master as lost and re-registers. */
  ping_timeout_seconds: z.number().positive(),
});

export const RunTaskSchema = z.object({
  framework_id: IdSchema,
  framework_info: FrameworkInfoJsonSchema,
  task: TaskInfoJsonSchema,
});

export const RunTaskGroupSchema = z.object({
  framework_id: IdSchema,
  framework_info: FrameworkInfoJsonSchema,
  executor: ExecutorInfoJsonSchema,
  task_group: z.object({ tasks: z.array(TaskInfoJsonSchema) }),
});

export const KillTaskSchema = z.object({
  framework_id: IdSchema,
  task_id: IdSchema,
  kill_policy: z.looseObject({}).optional(),
});

export const AcknowledgementSchema = z.object({
  agent_id: IdSchema,
  framework_id: IdSchema,
  task_id: IdSchema,
  uuid: z.string(),
});

export const FrameworkIdOnlySchema = z.object({ framework_id: IdSchema });

export const UpdateFrameworkSchema = z.object({
  framework_id: IdSchema,
  framework_info: FrameworkInfoJsonSchema,
});

export const MasterFrameworkMessageSchema = z.object({
  framework_id: IdSchema,
  executor_id: IdSchema,
  data: z.string(),
});

/** Empty `tasks` means every task of `framework_id` on the agent. */
export const ReconcileTasksSchema = z.object({
  framework_id: IdSchema,
  tasks: z.array(z.object({ task_id: IdSchema })).default([]),
});

/** The agent's full set of checkpointed (reserved / persistent-volume) resources after RESERVE, CREATE... */
export const CheckpointResourcesSchema = z.object({
  resources: z.array(ResourceJsonSchema),
});

export const PingSchema = z.object({ connected: z.boolean().default(true) });

export const ShutdownSchema = z.object({ message: z.string() });

type Ev<T extends AgentEventType, F extends string, S extends z.ZodType> = { type: T } & { [K in F]: z.infer<S> };

export type AgentEvent =
  | Ev<"REGISTERED", "registered", typeof RegisteredSchema>
  | Ev<"REREGISTERED", "reregistered", typeof RegisteredSchema>
  | Ev<"RUN_TASK", "run_task", typeof RunTaskSchema>
  | Ev<"RUN_TASK_GROUP", "run_task_group", typeof RunTaskGroupSchema>
  | Ev<"KILL_TASK", "kill_task", typeof KillTaskSchema>
  | Ev<"STATUS_UPDATE_ACKNOWLEDGEMENT", "status_update_acknowledgement", typeof AcknowledgementSchema>
  | Ev<"SHUTDOWN_FRAMEWORK", "shutdown_framework", typeof FrameworkIdOnlySchema>
  | Ev<"UPDATE_FRAMEWORK", "update_framework", typeof UpdateFrameworkSchema>
  | Ev<"FRAMEWORK_MESSAGE", "framework_message", typeof MasterFrameworkMessageSchema>
  | Ev<"RECONCILE_TASKS", "reconcile_tasks", typeof ReconcileTasksSchema>
  | Ev<"CHECKPOINT_RESOURCES", "checkpoint_resources", typeof CheckpointResourcesSchema>
  | Ev<"PING", "ping", typeof PingSchema>
  | Ev<"SHUTDOWN", "shutdown", typeof ShutdownSchema>;

const PAYLOAD: Record<AgentEventType, [string, z.ZodType]> = {
  REGISTERED: ["registered", RegisteredSchema],
  REREGISTERED: ["reregistered", RegisteredSchema],
  RUN_TASK: ["run_task", RunTaskSchema],
  RUN_TASK_GROUP: ["run_task_group", RunTaskGroupSchema],
  KILL_TASK: ["kill_task", KillTaskSchema],
  STATUS_UPDATE_ACKNOWLEDGEMENT: ["status_update_acknowledgement", AcknowledgementSchema],
  SHUTDOWN_FRAMEWORK: ["shutdown_framework", FrameworkIdOnlySchema],
  UPDATE_FRAMEWORK: ["update_framework", UpdateFrameworkSchema],
  FRAMEWORK_MESSAGE: ["framework_message", MasterFrameworkMessageSchema],
  RECONCILE_TASKS: ["reconcile_tasks", ReconcileTasksSchema],
  CHECKPOINT_RESOURCES: ["checkpoint_resources", CheckpointResourcesSchema],
  PING: ["ping", PingSchema],
  SHUTDOWN: ["shutdown", ShutdownSchema],
};

/** The payload field name of an event type, e.g. RUN_TASK → "run_task". */
export function agentEventField(type: AgentEventType): string {
  return PAYLOAD[type][0];
}

// Built once: building it per event cost more than parsing the event.
const EventType = z.object({ type: z.enum(AGENT_EVENT_TYPES) });

/**
 * Validates one decoded RecordIO record of the agent's event stream (agent side).
 * Unknown event types are an error so an old agent notices a newer master.
 */
export function parseAgentEvent(record: unknown): AgentEvent {
  const clean = dropNulls(record);
  const base = EventType.safeParse(clean);
  if (!base.success) throw new AgentProtocolError(describeZodError(base.error));
  const [field, schema] = PAYLOAD[base.data.type];
  const parsed = schema.safeParse((clean as Record<string, unknown>)[field] ?? {});
  if (!parsed.success) throw new AgentProtocolError(describeZodError(parsed.error, field));
  return { type: base.data.type, [field]: parsed.data } as AgentEvent;
}
