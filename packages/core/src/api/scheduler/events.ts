// The scheduler Event of scheduler.proto: schema (for clients decoding the stream) and builders
// (for the master writing it). Builders produce exactly the JSON Mesos sends.
import { z } from "zod";
import * as m from "../mesos/index.js";
import { encodeBytes, fieldError, parseProto, pDouble, pEnum, pInt32, pRepeated, pString, pBytes } from "../proto-json.js";

export const SCHEDULER_EVENT_TYPES = [
  "UNKNOWN", "SUBSCRIBED", "OFFERS", "INVERSE_OFFERS", "RESCIND", "RESCIND_INVERSE_OFFER", "UPDATE",
  "UPDATE_OPERATION_STATUS", "MESSAGE", "FAILURE", "ERROR", "HEARTBEAT",
] as const;
export type SchedulerEventType = Exclude<(typeof SCHEDULER_EVENT_TYPES)[number], "UNKNOWN">;

export const SchedulerEventJson = z.object({
  type: pEnum(SCHEDULER_EVENT_TYPES).optional(),
  subscribed: z
    .object({
      framework_id: m.FrameworkID,
      heartbeat_interval_seconds: pDouble().optional(),
      master_info: m.MasterInfo.optional(),
    })
    .optional(),
  offers: z.object({ offers: pRepeated(m.Offer) }).optional(),
  inverse_offers: z.object({ inverse_offers: pRepeated(m.InverseOffer) }).optional(),
  rescind: z.object({ offer_id: m.OfferID }).optional(),
  rescind_inverse_offer: z.object({ inverse_offer_id: m.OfferID }).optional(),
  update: z.object({ status: m.TaskStatus }).optional(),
  update_operation_status: z.object({ status: m.OperationStatus }).optional(),
  message: z.object({ agent_id: m.AgentID, executor_id: m.ExecutorID, data: pBytes() }).optional(),
  failure: z
    .object({ agent_id: m.AgentID.optional(), executor_id: m.ExecutorID.optional(), status: pInt32().optional() })
    .optional(),
  error: z.object({ message: pString() }).optional(),
});
export type SchedulerEventJson = z.infer<typeof SchedulerEventJson>;

export const SCHEDULER_EVENT_BODY = {
  SUBSCRIBED: "subscribed",
  OFFERS: "offers",
  INVERSE_OFFERS: "inverse_offers",
  RESCIND: "rescind",
  RESCIND_INVERSE_OFFER: "rescind_inverse_offer",
  UPDATE: "update",
  UPDATE_OPERATION_STATUS: "update_operation_status",
  MESSAGE: "message",
  FAILURE: "failure",
  ERROR: "error",
  HEARTBEAT: undefined,
} as const satisfies Record<SchedulerEventType, keyof SchedulerEventJson | undefined>;

type EventBody<T extends SchedulerEventType> =
  (typeof SCHEDULER_EVENT_BODY)[T] extends infer K extends keyof SchedulerEventJson
    ? { [P in K]: NonNullable<SchedulerEventJson[P]> }
    : unknown;

/** One event on a framework's stream; `type` narrows to its body. */
export type SchedulerEvent = { [T in SchedulerEventType]: { type: T } & EventBody<T> }[SchedulerEventType];
export type SchedulerEventOf<T extends SchedulerEventType> = Extract<SchedulerEvent, { type: T }>;

/**
 * Parses one decoded RecordIO record of a scheduler stream (for clients and tests).
 * Throws ApiError when the event is malformed or lacks the body its type names.
 */
export function parseSchedulerEvent(json: unknown): SchedulerEvent {
  const event = parseProto(SchedulerEventJson, json);
  if (event.type === undefined) throw fieldError(["type"], "required field missing");
  if (event.type === "UNKNOWN") throw fieldError(["type"], "UNKNOWN is not an event");
  const key = SCHEDULER_EVENT_BODY[event.type];
  if (key === undefined) return { type: event.type } as SchedulerEvent;
  if (event[key] === undefined) throw fieldError([], `type ${event.type} needs field ${key}`);
  return { type: event.type, [key]: event[key] } as SchedulerEvent;
}

export function subscribedEvent(
  frameworkId: m.FrameworkID,
  heartbeatIntervalSeconds: number,
  masterInfo?: m.MasterInfo,
): SchedulerEventOf<"SUBSCRIBED"> {
  return {
    type: "SUBSCRIBED",
    subscribed: {
      framework_id: frameworkId,
      heartbeat_interval_seconds: heartbeatIntervalSeconds,
      ...(masterInfo !== undefined && { master_info: masterInfo }),
    },
  };
}

export function offersEvent(offers: m.Offer[]): SchedulerEventOf<"OFFERS"> {
  return { type: "OFFERS", offers: { offers } };
}

export function inverseOffersEvent(inverseOffers: m.InverseOffer[]): SchedulerEventOf<"INVERSE_OFFERS"> {
  return { type: "INVERSE_OFFERS", inverse_offers: { inverse_offers: inverseOffers } };
}

export function rescindEvent(offerId: m.OfferID): SchedulerEventOf<"RESCIND"> {
  return { type: "RESCIND", rescind: { offer_id: offerId } };
}

export function rescindInverseOfferEvent(inverseOfferId: m.OfferID): SchedulerEventOf<"RESCIND_INVERSE_OFFER"> {
  return { type: "RESCIND_INVERSE_OFFER", rescind_inverse_offer: { inverse_offer_id: inverseOfferId } };
}

/** A task status update; the framework acknowledges it when `status.uuid` is set. */
export function updateEvent(status: m.TaskStatus): SchedulerEventOf<"UPDATE"> {
  return { type: "UPDATE", update: { status } };
}

export function updateOperationStatusEvent(status: m.OperationStatus): SchedulerEventOf<"UPDATE_OPERATION_STATUS"> {
  return { type: "UPDATE_OPERATION_STATUS", update_operation_status: { status } };
}

/** An executor's framework message; `data` is raw bytes or already-base64 text. */
export function messageEvent(
  agentId: m.AgentID,
  executorId: m.ExecutorID,
  data: Uint8Array | { base64: string },
): SchedulerEventOf<"MESSAGE"> {
  const encoded = data instanceof Uint8Array ? encodeBytes(data) : data.base64;
  return { type: "MESSAGE", message: { agent_id: agentId, executor_id: executorId, data: encoded } };
}

/** An agent was lost (no executor_id) or an executor exited (`status` is its exit status). */
export function failureEvent(failure: {
  agent_id?: m.AgentID;
  executor_id?: m.ExecutorID;
  status?: number;
}): SchedulerEventOf<"FAILURE"> {
  const body: NonNullable<SchedulerEventJson["failure"]> = {};
  if (failure.agent_id !== undefined) body.agent_id = failure.agent_id;
  if (failure.executor_id !== undefined) body.executor_id = failure.executor_id;
  if (failure.status !== undefined) body.status = failure.status;
  return { type: "FAILURE", failure: body };
}

/** The master refuses the framework (e.g. it was torn down); the master closes the stream after it. */
export function errorEvent(message: string): SchedulerEventOf<"ERROR"> {
  return { type: "ERROR", error: { message } };
}

export function heartbeatEvent(): SchedulerEventOf<"HEARTBEAT"> {
  return { type: "HEARTBEAT" };
}
