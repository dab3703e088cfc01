import { z } from "zod";
import {
  AgentInfoSchema,
  AgentTaskSchema,
  ExecutorInfoJsonSchema,
  FrameworkInfoJsonSchema,
  IdSchema,
  TaskStatusJsonSchema,
} from "./common.js";
import { AgentProtocolError, describeZodError, dropNulls } from "./errors.js";

/** Version of this protocol spoken by the agent; the master refuses majors it does not know. */
export const AGENT_PROTOCOL_VERSION = "1.0.0";

export const AGENT_CALL_TYPES = [
  "REGISTER",
  "REREGISTER",
  "STATUS_UPDATE",
  "STATUS_UPDATES",
  "PONG",
  "FRAMEWORK_MESSAGE",
  "EXECUTOR_EXITED",
  "UNREGISTER",
] as const;
export type AgentCallType = (typeof AGENT_CALL_TYPES)[number];

/** Opens the event stream; the first event is REGISTERED with the new agent id. */
export const RegisterSchema = z.object({
  agent_info: AgentInfoSchema,
  version: z.string().default(AGENT_PROTOCOL_VERSION),
});

/** Opens the event stream for a known agent id (agent restart, master failover, dropped stream). */
export const ReregisterSchema = z.object({
  agent_info: AgentInfoSchema,
  version: z.string().default(AGENT_PROTOCOL_VERSION),
  tasks: z.array(AgentTaskSchema).default([]),
  executor_infos: z.array(ExecutorInfoJsonSchema).default([]),
  /** Frameworks that have tasks or executors on this agent. */
  frameworks: z.array(FrameworkInfoJsonSchema).default([]),
});

export const StatusUpdateSchema = z.object({
  framework_id: IdSchema,
  status: TaskStatusJsonSchema,
});

/** Many status updates in one call: means exactly what that many STATUS_UPDATE calls in this order would. */
export const StatusUpdatesSchema = z.object({
  updates: z.array(StatusUpdateSchema).min(1),
});

/** Executor → scheduler message, relayed by the master as a MESSAGE event. */
export const FrameworkMessageSchema = z.object({
  framework_id: IdSchema,
  executor_id: IdSchema,
  /** base64, as Mesos bytes in JSON. */
  data: z.string(),
});

export const ExecutorExitedSchema = z.object({
  framework_id: IdSchema,
  executor_id: IdSchema,
  status: z.number().int().optional(),
});

const BaseCall = z.object({
  type: z.enum(AGENT_CALL_TYPES),
  /** Required on every call except REGISTER. */
  agent_id: IdSchema.optional(),
});

export type AgentCall =
  | { type: "REGISTER"; register: z.infer<typeof RegisterSchema> }
  | { type: "REREGISTER"; agent_id: { value: string }; reregister: z.infer<typeof ReregisterSchema> }
  | { type: "STATUS_UPDATE"; agent_id: { value: string }; status_update: z.infer<typeof StatusUpdateSchema> }
  | { type: "STATUS_UPDATES"; agent_id: { value: string }; status_updates: z.infer<typeof StatusUpdatesSchema> }
  | { type: "PONG"; agent_id: { value: string } }
  | { type: "FRAMEWORK_MESSAGE"; agent_id: { value: string }; framework_message: z.infer<typeof FrameworkMessageSchema> }
  | { type: "EXECUTOR_EXITED"; agent_id: { value: string }; executor_exited: z.infer<typeof ExecutorExitedSchema> }
  | { type: "UNREGISTER"; agent_id: { value: string } };

/** Input shapes (defaults optional) — what an agent builds before sending. */
export type AgentCallInput =
  | { type: "REGISTER"; register: z.input<typeof RegisterSchema> }
  | { type: "REREGISTER"; agent_id: { value: string }; reregister: z.input<typeof ReregisterSchema> }
  | { type: "STATUS_UPDATE"; agent_id: { value: string }; status_update: z.input<typeof StatusUpdateSchema> }
  | { type: "STATUS_UPDATES"; agent_id: { value: string }; status_updates: z.input<typeof StatusUpdatesSchema> }
  | { type: "PONG"; agent_id: { value: string } }
  | { type: "FRAMEWORK_MESSAGE"; agent_id: { value: string }; framework_message: z.input<typeof FrameworkMessageSchema> }
  | { type: "EXECUTOR_EXITED"; agent_id: { value: string }; executor_exited: z.input<typeof ExecutorExitedSchema> }
  | { type: "UNREGISTER"; agent_id: { value: string } };

// Parsed with zod's compiled fast paths (a STATUS_UPDATES of 50 updates: 20 -> 4.5 µs); an
// invalid call falls back to the same schema's parser, so its message is the same.
const CompiledBase = z.compile(BaseCall);
const PAYLOAD: Partial<Record<AgentCallType, [string, z.ZodType]>> = {
  REGISTER: ["register", z.compile(RegisterSchema)],
  REREGISTER: ["reregister", z.compile(ReregisterSchema)],
  STATUS_UPDATE: ["status_update", z.compile(StatusUpdateSchema)],
  STATUS_UPDATES: ["status_updates", z.compile(StatusUpdatesSchema)],
  FRAMEWORK_MESSAGE: ["framework_message", z.compile(FrameworkMessageSchema)],
  EXECUTOR_EXITED: ["executor_exited", z.compile(ExecutorExitedSchema)],
};

/**
 * Validates a decoded JSON body of `POST /internal/agent`.
 * @throws AgentProtocolError naming the field, e.g. `reregister.tasks[0].state: Invalid option ...`
 */
export function parseAgentCall(body: unknown): AgentCall {
  const clean = dropNulls(body);
  const base = CompiledBase.safeParse(clean);
  if (!base.success) throw new AgentProtocolError(describeZodError(base.error));
  const { type, agent_id } = base.data;
  if (type !== "REGISTER" && !agent_id) throw new AgentProtocolError(`agent_id: required for ${type}`);
  const out: Record<string, unknown> = { type };
  if (agent_id) out.agent_id = agent_id;
  const payload = PAYLOAD[type];
  if (payload) {
    const [field, schema] = payload;
    const value = (clean as Record<string, unknown>)[field];
    if (value === undefined) throw new AgentProtocolError(`${field}: required for ${type}`);
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new AgentProtocolError(describeZodError(parsed.error, field));
    out[field] = parsed.data;
  }
  return out as AgentCall;
}
