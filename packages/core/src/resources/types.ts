/** Value kinds of a resource, as Mesos `Value.Type`. */
export type ResourceType = "SCALAR" | "RANGES" | "SET";

/** An inclusive range [begin, end] of non-negative integers (e.g. ports). */
export type Range = readonly [number, number];

/** A Mesos label (key with optional value). */
export interface Label {
  readonly key: string;
  readonly value?: string;
}

/** One level of a (refined) reservation stack, as Mesos `Resource.ReservationInfo`. */
export interface Reservation {
  readonly type: "STATIC" | "DYNAMIC";
  readonly role: string;
  readonly principal?: string;
  readonly labels?: readonly Label[];
}

/**
 * One resource: a value plus the metadata that makes it a distinct "kind".
 * Entries of the same kind (name, type, reservations, revocable, providerId, disk,
 * allocationRole) are merged inside a `Resources`.
 */
export interface ResourceEntry {
  readonly name: string;
  readonly type: ResourceType;
  /** SCALAR only; already rounded to 0.001. */
  readonly scalar?: number;
  /** RANGES only; sorted and merged. */
  readonly ranges?: readonly Range[];
  /** SET only; sorted, no duplicates. */
  readonly set?: readonly string[];
  /** Reservation stack, bottom first; empty means unreserved. */
  readonly reservations: readonly Reservation[];
  /** Revocable (oversubscribed) resource. */
  readonly revocable: boolean;
  /** Id of the resource provider for resources not owned by an agent. */
  readonly providerId?: string;
  /** Mesos `DiskInfo` (persistent volume, source), kept opaque. */
  readonly disk?: unknown;
  /** Role the resource is offered/allocated to (`allocation_info.role`). */
  readonly allocationRole?: string;
}

/** Input for `Resources.of`: like `ResourceEntry` but metadata may be omitted. */
export interface ResourceEntryInput {
  readonly name: string;
  readonly type?: ResourceType;
  readonly scalar?: number;
  readonly ranges?: readonly Range[];
  readonly set?: readonly string[];
  readonly reservations?: readonly Reservation[];
  readonly revocable?: boolean;
  readonly providerId?: string;
  readonly disk?: unknown;
  readonly allocationRole?: string;
}

/** Mesos v1 JSON `Resource.ReservationInfo`. */
export interface ReservationJSON {
  type: "STATIC" | "DYNAMIC";
  role: string;
  principal?: string;
  labels?: { labels: Label[] };
}

/** Mesos v1 JSON `Resource` (proto field names), post-reservation-refinement format. */
export interface ResourceJSON {
  name: string;
  type: ResourceType;
  scalar?: { value: number };
  ranges?: { range: Array<{ begin: number; end: number }> };
  set?: { item: string[] };
  reservations?: ReservationJSON[];
  revocable?: Record<string, never>;
  provider_id?: { value: string };
  disk?: unknown;
  allocation_info?: { role: string };
}

/**
 * Mesos v1 JSON `Resource` in the pre-refinement format (for frameworks without the
 * RESERVATION_REFINEMENT capability): `role` plus an optional singular dynamic `reservation`.
 */
export interface LegacyResourceJSON extends Omit<ResourceJSON, "reservations"> {
  role: string;
  reservation?: { principal?: string; labels?: { labels: Label[] } };
}
