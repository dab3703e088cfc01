// Value, Attribute and the JSON shape of Resource. Only the shape is checked here; the
// Resources class (../../resources) owns the semantics (non-empty ranges, roles, arithmetic).
import { z } from "zod";
import { pDouble, pEnum, pEnumLenient, pRepeated, pString, pUint64 } from "../proto-json.js";
import { Volume } from "./container.js";
import { Labels, ResourceProviderID } from "./ids.js";

export const VALUE_TYPES = ["SCALAR", "RANGES", "SET", "TEXT"] as const;
export type ValueType = (typeof VALUE_TYPES)[number];

export const Scalar = z.object({ value: pDouble() });
export type Scalar = z.infer<typeof Scalar>;
export const Range = z.object({ begin: pUint64(), end: pUint64() });
export type Range = z.infer<typeof Range>;
export const Ranges = z.object({ range: pRepeated(Range) });
export type Ranges = z.infer<typeof Ranges>;
export const ValueSet = z.object({ item: pRepeated(pString()) });
export type ValueSet = z.infer<typeof ValueSet>;
export const Text = z.object({ value: pString() });
export type Text = z.infer<typeof Text>;

export const Value = z.object({
  type: pEnum(VALUE_TYPES),
  scalar: Scalar.optional(),
  ranges: Ranges.optional(),
  set: ValueSet.optional(),
  text: Text.optional(),
});
export type Value = z.infer<typeof Value>;

export const Attribute = z.object({
  name: pString(),
  type: pEnum(VALUE_TYPES),
  scalar: Scalar.optional(),
  ranges: Ranges.optional(),
  set: ValueSet.optional(),
  text: Text.optional(),
});
export type Attribute = z.infer<typeof Attribute>;

export const RESERVATION_TYPES = ["UNKNOWN", "STATIC", "DYNAMIC"] as const;
export const ReservationInfo = z.object({
  type: pEnumLenient(RESERVATION_TYPES),
  role: pString().optional(),
  principal: pString().optional(),
  labels: Labels.optional(),
});
export type ReservationInfo = z.infer<typeof ReservationInfo>;

export const DISK_SOURCE_TYPES = ["UNKNOWN", "PATH", "MOUNT", "BLOCK", "RAW"] as const;
export type DiskSourceType = (typeof DISK_SOURCE_TYPES)[number];
export const DiskSource = z.object({
  type: pEnum(DISK_SOURCE_TYPES),
  path: z.object({ root: pString().optional() }).optional(),
  mount: z.object({ root: pString().optional() }).optional(),
  vendor: pString().optional(),
  id: pString().optional(),
  metadata: Labels.optional(),
  profile: pString().optional(),
});
export type DiskSource = z.infer<typeof DiskSource>;

export const DiskInfo = z.object({
  persistence: z.object({ id: pString(), principal: pString().optional() }).optional(),
  volume: Volume.optional(),
  source: DiskSource.optional(),
});
export type DiskInfo = z.infer<typeof DiskInfo>;

export const AllocationInfo = z.object({ role: pString().optional() });
export type AllocationInfo = z.infer<typeof AllocationInfo>;

/** The JSON shape of one mesos.v1.Resource. Parse into arithmetic with `Resources.fromJSON`. */
export const Resource = z.object({
  provider_id: ResourceProviderID.optional(),
  name: pString(),
  type: pEnum(VALUE_TYPES),
  scalar: Scalar.optional(),
  ranges: Ranges.optional(),
  set: ValueSet.optional(),
  /** Deprecated pre-reservation-refinement role; "*" when unset. */
  role: pString().optional(),
  allocation_info: AllocationInfo.optional(),
  reservation: ReservationInfo.optional(),
  reservations: pRepeated(ReservationInfo),
  disk: DiskInfo.optional(),
  revocable: z.object({}).optional(),
  shared: z.object({}).optional(),
});
export type Resource = z.infer<typeof Resource>;

/** A repeated Resource field. */
export const ResourceList = pRepeated(Resource);
