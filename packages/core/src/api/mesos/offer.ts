// Offers, offer operations, inverse offers and filters of mesos.v1.
import { z } from "zod";
import { pDouble, pEnum, pMap, pRepeated, pString } from "../proto-json.js";
import { DomainInfo } from "./cluster.js";
import { AgentID, DurationInfo, ExecutorID, FrameworkID, OfferID, OperationID, TimeInfo, URL } from "./ids.js";
import { ExecutorInfo, TaskGroupInfo, TaskInfo } from "./task.js";
import { AllocationInfo, Attribute, DISK_SOURCE_TYPES, Resource, Scalar } from "./values.js";

/** Seconds an unused offer's resources stay filtered from the framework when none is given. */
export const DEFAULT_REFUSE_SECONDS = 5;

export const Filters = z.object({
  /** Defaults to DEFAULT_REFUSE_SECONDS. */
  refuse_seconds: pDouble()
    .check((ctx) => {
      if (ctx.value < 0) {
        ctx.issues.push({ code: "custom", message: `must not be negative, got ${ctx.value}`, input: ctx.value });
      }
    })
    .optional(),
});
export type Filters = z.infer<typeof Filters>;

export const OfferFilters = z.object({
  min_allocatable_resources: z
    .object({ quantities: pRepeated(z.object({ quantities: pMap(Scalar) })) })
    .optional(),
});
export type OfferFilters = z.infer<typeof OfferFilters>;

/** mesos.v1.Request (the scheduler REQUEST call's payload). */
export const ResourceRequest = z.object({
  agent_id: AgentID.optional(),
  resources: pRepeated(Resource),
});
export type ResourceRequest = z.infer<typeof ResourceRequest>;

export const Unavailability = z.object({ start: TimeInfo, duration: DurationInfo.optional() });
export type Unavailability = z.infer<typeof Unavailability>;

export const OFFER_OPERATION_TYPES = [
  "UNKNOWN", "LAUNCH", "LAUNCH_GROUP", "RESERVE", "UNRESERVE", "CREATE", "DESTROY", "GROW_VOLUME",
  "SHRINK_VOLUME", "CREATE_DISK", "DESTROY_DISK",
] as const;
export type OfferOperationType = (typeof OFFER_OPERATION_TYPES)[number];

/** Which body field each offer operation type carries. */
export const OFFER_OPERATION_BODY = {
  UNKNOWN: undefined,
  LAUNCH: "launch",
  LAUNCH_GROUP: "launch_group",
  RESERVE: "reserve",
  UNRESERVE: "unreserve",
  CREATE: "create",
  DESTROY: "destroy",
  GROW_VOLUME: "grow_volume",
  SHRINK_VOLUME: "shrink_volume",
  CREATE_DISK: "create_disk",
  DESTROY_DISK: "destroy_disk",
} as const satisfies Record<OfferOperationType, string | undefined>;

/** mesos.v1.Offer.Operation. `type` is checked strictly: an operation the master cannot tell is a bad request. */
export const OfferOperation = z.object({
  type: pEnum(OFFER_OPERATION_TYPES).optional(),
  id: OperationID.optional(),
  launch: z.object({ task_infos: pRepeated(TaskInfo) }).optional(),
  launch_group: z.object({ executor: ExecutorInfo, task_group: TaskGroupInfo }).optional(),
  reserve: z.object({ source: pRepeated(Resource), resources: pRepeated(Resource) }).optional(),
  unreserve: z.object({ resources: pRepeated(Resource) }).optional(),
  create: z.object({ volumes: pRepeated(Resource) }).optional(),
  destroy: z.object({ volumes: pRepeated(Resource) }).optional(),
  grow_volume: z.object({ volume: Resource, addition: Resource }).optional(),
  shrink_volume: z.object({ volume: Resource, subtract: Scalar }).optional(),
  create_disk: z
    .object({ source: Resource, target_type: pEnum(DISK_SOURCE_TYPES), target_profile: pString().optional() })
    .optional(),
  destroy_disk: z.object({ source: Resource }).optional(),
});
export type OfferOperation = z.infer<typeof OfferOperation>;

export const Offer = z.object({
  id: OfferID,
  framework_id: FrameworkID,
  agent_id: AgentID,
  hostname: pString(),
  url: URL.optional(),
  domain: DomainInfo.optional(),
  resources: pRepeated(Resource),
  attributes: pRepeated(Attribute),
  executor_ids: pRepeated(ExecutorID),
  unavailability: Unavailability.optional(),
  allocation_info: AllocationInfo.optional(),
});
export type Offer = z.infer<typeof Offer>;

export const InverseOffer = z.object({
  id: OfferID,
  url: URL.optional(),
  framework_id: FrameworkID,
  agent_id: AgentID.optional(),
  unavailability: Unavailability,
  resources: pRepeated(Resource),
});
export type InverseOffer = z.infer<typeof InverseOffer>;
