// Public API of the DRF allocator.
export { HierarchicalAllocator, providerAgentId } from "./hierarchical-allocator.js";
export { DEFAULT_MIN_ALLOCATABLE } from "./min-allocatable.js";
export { DEFAULT_REFUSE_SECONDS, MAX_REFUSE_SECONDS, type OfferFilters } from "./offer-filters.js";
export type { QuotaInput } from "./quota.js";
export type { QuantitiesLike } from "./scalar-vector.js";
export type {
  AgentId,
  AgentSpec,
  AllocationHookSet,
  AllocationOperation,
  AllocatorOptions,
  FrameworkCapabilities,
  FrameworkId,
  FrameworkShareInfo,
  FrameworkSpec,
  FrameworkUpdate,
  MinAllocatable,
  Offer,
  ResourcesById,
  RoleShareInfo,
} from "./types.js";
