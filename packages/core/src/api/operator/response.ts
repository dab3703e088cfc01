// Operator API responses of master.proto. The master fills them from its state; the schemas let
// clients (the CLI, tests) read them back with the same parser.
import { z } from "zod";
import * as m from "../mesos/index.js";
import { parseProto, pBool, pDouble, pEnum, pRepeated, pString } from "../proto-json.js";
import { OfferConstraints } from "../scheduler/offer-constraints.js";
import type { OperatorCallType } from "./call.js";

export const GetHealth = z.object({ healthy: pBool() });
export type GetHealth = z.infer<typeof GetHealth>;

export const GetVersion = z.object({ version_info: m.VersionInfo });
export type GetVersion = z.infer<typeof GetVersion>;

export const GetMetricsResponse = z.object({ metrics: pRepeated(m.Metric) });
export type GetMetricsResponse = z.infer<typeof GetMetricsResponse>;

export const AgentEntry = z.object({
  agent_info: m.AgentInfo,
  active: pBool(),
  deactivated: pBool().optional(),
  version: pString(),
  pid: pString().optional(),
  registered_time: m.TimeInfo.optional(),
  reregistered_time: m.TimeInfo.optional(),
  total_resources: pRepeated(m.Resource),
  allocated_resources: pRepeated(m.Resource),
  offered_resources: pRepeated(m.Resource),
  capabilities: pRepeated(m.AgentCapability),
  resource_providers: pRepeated(
    z.object({ resource_provider_info: m.ResourceProviderInfo, total_resources: pRepeated(m.Resource) }),
  ),
  drain_info: m.DrainInfo.optional(),
  estimated_drain_start_time: m.TimeInfo.optional(),
});
export type AgentEntry = z.infer<typeof AgentEntry>;

export const GetAgents = z.object({
  agents: pRepeated(AgentEntry),
  /** Agents known from the registry that have not re-registered since the master failed over. */
  recovered_agents: pRepeated(m.AgentInfo),
});
export type GetAgents = z.infer<typeof GetAgents>;

export const FrameworkEntry = z.object({
  framework_info: m.FrameworkInfo,
  active: pBool(),
  connected: pBool(),
  recovered: pBool(),
  registered_time: m.TimeInfo.optional(),
  reregistered_time: m.TimeInfo.optional(),
  unregistered_time: m.TimeInfo.optional(),
  offers: pRepeated(m.Offer),
  inverse_offers: pRepeated(m.InverseOffer),
  allocated_resources: pRepeated(m.Resource),
  offered_resources: pRepeated(m.Resource),
  offer_constraints: OfferConstraints.optional(),
});
export type FrameworkEntry = z.infer<typeof FrameworkEntry>;

export const GetFrameworks = z.object({
  frameworks: pRepeated(FrameworkEntry),
  completed_frameworks: pRepeated(FrameworkEntry),
  recovered_frameworks: pRepeated(m.FrameworkInfo),
});
export type GetFrameworks = z.infer<typeof GetFrameworks>;

export const GetExecutors = z.object({
  executors: pRepeated(z.object({ executor_info: m.ExecutorInfo, agent_id: m.AgentID })),
  orphan_executors: pRepeated(z.object({ executor_info: m.ExecutorInfo, agent_id: m.AgentID })),
});
export type GetExecutors = z.infer<typeof GetExecutors>;

export const GetTasks = z.object({
  pending_tasks: pRepeated(m.Task),
  tasks: pRepeated(m.Task),
  unreachable_tasks: pRepeated(m.Task),
  completed_tasks: pRepeated(m.Task),
  orphan_tasks: pRepeated(m.Task),
});
export type GetTasks = z.infer<typeof GetTasks>;

export const GetState = z.object({
  get_tasks: GetTasks.optional(),
  get_executors: GetExecutors.optional(),
  get_frameworks: GetFrameworks.optional(),
  get_agents: GetAgents.optional(),
});
export type GetState = z.infer<typeof GetState>;

export const GetRoles = z.object({ roles: pRepeated(m.Role) });
export type GetRoles = z.infer<typeof GetRoles>;

export const GetMaster = z.object({
  master_info: m.MasterInfo.optional(),
  /** Seconds since the epoch. */
  start_time: pDouble().optional(),
  elected_time: pDouble().optional(),
});
export type GetMaster = z.infer<typeof GetMaster>;

/** Which response body each supported call answers with, and its schema. */
export const OPERATOR_RESPONSE_BODY = {
  GET_HEALTH: ["get_health", GetHealth],
  GET_VERSION: ["get_version", GetVersion],
  GET_METRICS: ["get_metrics", GetMetricsResponse],
  GET_STATE: ["get_state", GetState],
  GET_AGENTS: ["get_agents", GetAgents],
  GET_FRAMEWORKS: ["get_frameworks", GetFrameworks],
  GET_TASKS: ["get_tasks", GetTasks],
  GET_ROLES: ["get_roles", GetRoles],
  GET_MASTER: ["get_master", GetMaster],
} as const satisfies Record<OperatorCallType, readonly [string, z.ZodType]>;

type BodyKey<T extends OperatorCallType> = (typeof OPERATOR_RESPONSE_BODY)[T][0];
type BodyOf<T extends OperatorCallType> = z.infer<(typeof OPERATOR_RESPONSE_BODY)[T][1]>;

/** A response to one call type, e.g. `{ type: "GET_HEALTH", get_health: { healthy: true } }`. */
export type OperatorResponseOf<T extends OperatorCallType> = { type: T } & { [K in BodyKey<T>]: BodyOf<T> };
export type OperatorResponse = { [T in OperatorCallType]: OperatorResponseOf<T> }[OperatorCallType];

/** Wraps a response body in its envelope with the right field name. */
export function operatorResponse<T extends OperatorCallType>(type: T, body: BodyOf<T>): OperatorResponseOf<T> {
  const [key] = OPERATOR_RESPONSE_BODY[type];
  return { type, [key]: body } as OperatorResponseOf<T>;
}

const OperatorResponseJson = z.object({
  type: pEnum(Object.keys(OPERATOR_RESPONSE_BODY) as [OperatorCallType, ...OperatorCallType[]]),
});

/** Reads a response (for clients); throws ApiError naming the field when it is malformed. */
export function parseOperatorResponse(json: unknown): OperatorResponse {
  const { type } = parseProto(OperatorResponseJson, json);
  const [key, schema] = OPERATOR_RESPONSE_BODY[type];
  const body = parseProto(z.object({ [key]: schema }), json) as Record<string, unknown>;
  return { type, [key]: body[key] } as OperatorResponse;
}
