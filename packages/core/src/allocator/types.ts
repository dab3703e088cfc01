import type { Allocation, AllocationHooks } from "../hooks/index.js";
import type { Resources } from "../resources/index.js";
import type { QuantitiesLike } from "./scalar-vector.js";

export type FrameworkId = string;
export type AgentId = string;

/** Resources offered to one framework, on one agent, for one role; `resources` carry that role. */
export type Offer = Allocation;

/** The allocation hooks the allocator calls (see hooks/allocation-hooks.ts). */
export type AllocationHookSet = AllocationHooks["hooks"];

/** Framework capabilities the allocator looks at (Mesos FrameworkInfo.Capability). */
export interface FrameworkCapabilities {
  /** REVOCABLE_RESOURCES: may be offered oversubscribed resources. */
  revocableResources?: boolean;
  /** MULTI_ROLE: may subscribe to more than one role. */
  multiRole?: boolean;
  /** GPU_RESOURCES: may be offered agents with GPUs (when the allocator filters GPU agents). */
  gpuResources?: boolean;
  [capability: string]: boolean | undefined;
}

/** Per-role minimum offer sizes, or one list for every role of the framework. */
export type MinAllocatable = readonly QuantitiesLike[] | Readonly<Record<string, readonly QuantitiesLike[]>>;

/** Resources keyed by agent or framework id. */
export type ResourcesById = ReadonlyMap<string, Resources> | Readonly<Record<string, Resources>>;

export interface AgentSpec {
  hostname?: string;
  attributes?: Record<string, string | number>;
  /** Everything the agent has, unallocated form (reservations kept). */
  total: Resources;
  /** Already in use when the agent (re-)registers, by framework id; entries carry allocation roles. */
  allocated?: ResourcesById;
}

export interface FrameworkSpec {
  roles: readonly string[];
  capabilities?: FrameworkCapabilities;
  /** Overrides the allocator-wide minimum offer size (all roles, or per role). */
  minAllocatableResources?: MinAllocatable;
  /** Resources the framework already uses, by agent id (e.g. after master failover). */
  allocated?: ResourcesById;
  /** Default true. */
  active?: boolean;
  suppressedRoles?: readonly string[];
}

export interface FrameworkUpdate {
  roles?: readonly string[];
  capabilities?: FrameworkCapabilities;
  minAllocatableResources?: MinAllocatable;
  suppressedRoles?: readonly string[];
}

/**
 * What a framework did with offered resources (Mesos Offer.Operation, reduced to what changes
 * the allocation). LAUNCH keeps the resources allocated; RESERVE/UNRESERVE convert them;
 * CONVERT is the general form (CREATE/DESTROY of volumes, resource provider operations).
 */
export type AllocationOperation =
  | { type: "LAUNCH" | "LAUNCH_GROUP" }
  | { type: "RESERVE"; resources: Resources }
  | { type: "UNRESERVE"; resources: Resources }
  | { type: "CONVERT"; consumed: Resources; converted: Resources };

export interface AllocatorOptions {
  hooks?: AllocationHookSet;
  /** Default Mesos "cpus:0.01|mem:32"; an empty list allows any non-empty offer. */
  minAllocatableResources?: readonly QuantitiesLike[];
  /** Mesos --filter_gpu_resources: offer GPU agents only to GPU_RESOURCES frameworks. Default true. */
  filterGpuResources?: boolean;
}

export interface RoleShareInfo {
  role: string;
  /** Weighted dominant share of the role's subtree against the cluster total. */
  share: number;
  weight: number;
  /** Non-revocable scalar allocation of the subtree. */
  allocated: Record<string, number>;
}

export interface FrameworkShareInfo {
  frameworkId: FrameworkId;
  share: number;
  allocated: Record<string, number>;
}
