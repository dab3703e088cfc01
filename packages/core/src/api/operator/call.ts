// The operator Call of master.proto (`POST /api/v1`): parsed here, answered by the master.
import { z } from "zod";
import { ApiError } from "../api-error.js";
import * as m from "../mesos/index.js";
import { fieldError, parseProto, pEnum } from "../proto-json.js";

export const OPERATOR_CALL_TYPES = [
  "UNKNOWN", "GET_HEALTH", "GET_FLAGS", "GET_VERSION", "GET_METRICS", "GET_LOGGING_LEVEL", "SET_LOGGING_LEVEL",
  "LIST_FILES", "READ_FILE", "GET_STATE", "GET_AGENTS", "GET_FRAMEWORKS", "GET_EXECUTORS", "GET_OPERATIONS",
  "GET_TASKS", "GET_ROLES", "GET_WEIGHTS", "UPDATE_WEIGHTS", "GET_MASTER", "SUBSCRIBE", "RESERVE_RESOURCES",
  "UNRESERVE_RESOURCES", "CREATE_VOLUMES", "DESTROY_VOLUMES", "GROW_VOLUME", "SHRINK_VOLUME",
  "GET_MAINTENANCE_STATUS", "GET_MAINTENANCE_SCHEDULE", "UPDATE_MAINTENANCE_SCHEDULE", "START_MAINTENANCE",
  "STOP_MAINTENANCE", "DRAIN_AGENT", "DEACTIVATE_AGENT", "REACTIVATE_AGENT", "GET_QUOTA", "UPDATE_QUOTA",
  "SET_QUOTA", "REMOVE_QUOTA", "TEARDOWN", "MARK_AGENT_GONE",
] as const;

/** The operator calls Tessera's master answers; other Mesos call types get 501. */
export const SUPPORTED_OPERATOR_CALLS = [
  "GET_HEALTH", "GET_VERSION", "GET_STATE", "GET_AGENTS", "GET_FRAMEWORKS", "GET_TASKS", "GET_ROLES",
  "GET_MASTER", "GET_METRICS",
] as const;
export type OperatorCallType = (typeof SUPPORTED_OPERATOR_CALLS)[number];

export const GetMetrics = z.object({
  /** Longest the master may spend gathering metrics; it answers with what it has by then. */
  timeout: m.DurationInfo.optional(),
});
export type GetMetrics = z.infer<typeof GetMetrics>;

/** The envelope as JSON. Bodies of calls Tessera does not implement are ignored like unknown fields. */
export const OperatorCallJson = z.object({
  type: pEnum(OPERATOR_CALL_TYPES).optional(),
  get_metrics: GetMetrics.optional(),
});
export type OperatorCallJson = z.infer<typeof OperatorCallJson>;

export type OperatorCall =
  | { type: Exclude<OperatorCallType, "GET_METRICS"> }
  | { type: "GET_METRICS"; get_metrics: GetMetrics };

const SUPPORTED: ReadonlySet<string> = new Set(SUPPORTED_OPERATOR_CALLS);

/**
 * Parses a `POST /api/v1` body (raw JSON text, bytes, or parsed JSON) with the scheduler API's
 * rules. Throws ApiError: 400 naming the field, or 501 for a call type Tessera does not implement.
 */
export function parseOperatorCall(body: unknown): OperatorCall {
  const call = parseProto(OperatorCallJson, body);
  if (call.type === undefined) throw fieldError(["type"], "required field missing");
  if (!SUPPORTED.has(call.type)) {
    throw new ApiError(`type: ${call.type} is not implemented; supported: ${SUPPORTED_OPERATOR_CALLS.join(", ")}`, 501);
  }
  if (call.type === "GET_METRICS") {
    if (call.get_metrics === undefined) throw new ApiError("type GET_METRICS needs field get_metrics");
    const ns = call.get_metrics.timeout?.nanoseconds;
    if (ns !== undefined && ns < 0) throw fieldError(["get_metrics", "timeout", "nanoseconds"], `must not be negative, got ${ns}`);
    return { type: "GET_METRICS", get_metrics: call.get_metrics };
  }
  return { type: call.type as Exclude<OperatorCallType, "GET_METRICS"> };
}
