// The scheduler Call of scheduler.proto: one envelope, a `type`, and the body field that type names.
import { z } from "zod";
import * as m from "../mesos/index.js";
import { pBytes, pEnum, pRepeated, pString } from "../proto-json.js";
import { OfferConstraints } from "./offer-constraints.js";

export const SCHEDULER_CALL_TYPES = [
  "UNKNOWN", "SUBSCRIBE", "TEARDOWN", "ACCEPT", "DECLINE", "ACCEPT_INVERSE_OFFERS", "DECLINE_INVERSE_OFFERS",
  "REVIVE", "KILL", "SHUTDOWN", "ACKNOWLEDGE", "ACKNOWLEDGE_OPERATION_STATUS", "RECONCILE",
  "RECONCILE_OPERATIONS", "MESSAGE", "REQUEST", "SUPPRESS", "UPDATE_FRAMEWORK",
] as const;
/** A call type a master acts on (UNKNOWN is refused by the parser). */
export type SchedulerCallType = Exclude<(typeof SCHEDULER_CALL_TYPES)[number], "UNKNOWN">;

export const Subscribe = z.object({
  framework_info: m.FrameworkInfo,
  suppressed_roles: pRepeated(pString()),
  offer_constraints: OfferConstraints.optional(),
});
export type Subscribe = z.infer<typeof Subscribe>;

export const Accept = z.object({
  offer_ids: pRepeated(m.OfferID),
  operations: pRepeated(m.OfferOperation),
  filters: m.Filters.optional(),
});
export type Accept = z.infer<typeof Accept>;

export const Decline = z.object({ offer_ids: pRepeated(m.OfferID), filters: m.Filters.optional() });
export type Decline = z.infer<typeof Decline>;

export const AcceptInverseOffers = z.object({
  inverse_offer_ids: pRepeated(m.OfferID),
  filters: m.Filters.optional(),
});
export type AcceptInverseOffers = z.infer<typeof AcceptInverseOffers>;
export const DeclineInverseOffers = AcceptInverseOffers;
export type DeclineInverseOffers = AcceptInverseOffers;

/** REVIVE and SUPPRESS: no roles means all of the framework's roles. */
export const RolesBody = z.object({ roles: pRepeated(pString()) });
export type RolesBody = z.infer<typeof RolesBody>;

export const Kill = z.object({
  task_id: m.TaskID,
  agent_id: m.AgentID.optional(),
  kill_policy: m.KillPolicy.optional(),
});
export type Kill = z.infer<typeof Kill>;

export const Shutdown = z.object({ executor_id: m.ExecutorID, agent_id: m.AgentID });
export type Shutdown = z.infer<typeof Shutdown>;

export const Acknowledge = z.object({
  agent_id: m.AgentID,
  task_id: m.TaskID,
  /** The status update's 16-byte UUID, base64. */
  uuid: pBytes(),
});
export type Acknowledge = z.infer<typeof Acknowledge>;

export const AcknowledgeOperationStatus = z.object({
  agent_id: m.AgentID.optional(),
  resource_provider_id: m.ResourceProviderID.optional(),
  uuid: pBytes(),
  operation_id: m.OperationID,
});
export type AcknowledgeOperationStatus = z.infer<typeof AcknowledgeOperationStatus>;

export const Reconcile = z.object({
  /** Empty: implicit reconciliation (the master sends every task it knows of). */
  tasks: pRepeated(z.object({ task_id: m.TaskID, agent_id: m.AgentID.optional() })),
});
export type Reconcile = z.infer<typeof Reconcile>;

export const ReconcileOperations = z.object({
  operations: pRepeated(
    z.object({
      operation_id: m.OperationID,
      agent_id: m.AgentID.optional(),
      resource_provider_id: m.ResourceProviderID.optional(),
    }),
  ),
});
export type ReconcileOperations = z.infer<typeof ReconcileOperations>;

export const FrameworkMessage = z.object({ agent_id: m.AgentID, executor_id: m.ExecutorID, data: pBytes() });
export type FrameworkMessage = z.infer<typeof FrameworkMessage>;

export const RequestBody = z.object({ requests: pRepeated(m.ResourceRequest) });
export type RequestBody = z.infer<typeof RequestBody>;

export const UpdateFramework = Subscribe;
export type UpdateFramework = Subscribe;

/** The Call envelope as JSON: every body optional; `parseSchedulerCall` checks the type/body pairing. */
export const SchedulerCallJson = z.object({
  framework_id: m.FrameworkID.optional(),
  type: pEnum(SCHEDULER_CALL_TYPES).optional(),
  subscribe: Subscribe.optional(),
  accept: Accept.optional(),
  decline: Decline.optional(),
  accept_inverse_offers: AcceptInverseOffers.optional(),
  decline_inverse_offers: DeclineInverseOffers.optional(),
  revive: RolesBody.optional(),
  kill: Kill.optional(),
  shutdown: Shutdown.optional(),
  acknowledge: Acknowledge.optional(),
  acknowledge_operation_status: AcknowledgeOperationStatus.optional(),
  reconcile: Reconcile.optional(),
  reconcile_operations: ReconcileOperations.optional(),
  message: FrameworkMessage.optional(),
  request: RequestBody.optional(),
  suppress: RolesBody.optional(),
  update_framework: UpdateFramework.optional(),
});
export type SchedulerCallJson = z.infer<typeof SchedulerCallJson>;

/** The body field each call type carries (TEARDOWN has none). */
export const SCHEDULER_CALL_BODY = {
  SUBSCRIBE: "subscribe",
  TEARDOWN: undefined,
  ACCEPT: "accept",
  DECLINE: "decline",
  ACCEPT_INVERSE_OFFERS: "accept_inverse_offers",
  DECLINE_INVERSE_OFFERS: "decline_inverse_offers",
  REVIVE: "revive",
  KILL: "kill",
  SHUTDOWN: "shutdown",
  ACKNOWLEDGE: "acknowledge",
  ACKNOWLEDGE_OPERATION_STATUS: "acknowledge_operation_status",
  RECONCILE: "reconcile",
  RECONCILE_OPERATIONS: "reconcile_operations",
  MESSAGE: "message",
  REQUEST: "request",
  SUPPRESS: "suppress",
  UPDATE_FRAMEWORK: "update_framework",
} as const satisfies Record<SchedulerCallType, keyof SchedulerCallJson | undefined>;

/** Call types whose body may be omitted (Mesos treats a missing body as "all roles"). */
export const OPTIONAL_BODY_CALLS: ReadonlySet<SchedulerCallType> = new Set(["REVIVE", "SUPPRESS"]);

type BodyKey<T extends SchedulerCallType> = (typeof SCHEDULER_CALL_BODY)[T];
type BodyField<T extends SchedulerCallType> =
  BodyKey<T> extends keyof SchedulerCallJson
    ? T extends "REVIVE" | "SUPPRESS"
      ? { [K in BodyKey<T>]?: NonNullable<SchedulerCallJson[K]> }
      : { [K in BodyKey<T>]: NonNullable<SchedulerCallJson[K]> }
    : unknown;

/**
 * A validated scheduler call: `type` narrows to exactly the body it needs, and every call but
 * SUBSCRIBE carries its framework_id. Bodies for other types are dropped.
 */
export type SchedulerCall = {
  [T in SchedulerCallType]: {
    type: T;
    framework_id: T extends "SUBSCRIBE" ? m.FrameworkID | undefined : m.FrameworkID;
  } & BodyField<T>;
}[SchedulerCallType];

/** The call of one type, e.g. `SchedulerCallOf<"ACCEPT">`. */
export type SchedulerCallOf<T extends SchedulerCallType> = Extract<SchedulerCall, { type: T }>;
