// FrameworkInfo of mesos.v1.
import { z } from "zod";
import { pBool, pDouble, pEnumLenient, pMap, pRepeated, pString } from "../proto-json.js";
import { FrameworkID, Labels } from "./ids.js";
import { OfferFilters } from "./offer.js";

export const FRAMEWORK_CAPABILITIES = [
  "UNKNOWN", "REVOCABLE_RESOURCES", "TASK_KILLING_STATE", "GPU_RESOURCES", "SHARED_RESOURCES",
  "PARTITION_AWARE", "MULTI_ROLE", "RESERVATION_REFINEMENT", "REGION_AWARE",
] as const;
export type FrameworkCapabilityType = (typeof FRAMEWORK_CAPABILITIES)[number];

export const FrameworkInfo = z.object({
  /** May be "" (the master then runs tasks as its own user). */
  user: pString(),
  name: pString(),
  id: FrameworkID.optional(),
  /** Seconds the master keeps the framework's tasks after it disconnects; defaults to 0. */
  failover_timeout: pDouble().optional(),
  checkpoint: pBool().optional(),
  /** Deprecated single role of a framework without MULTI_ROLE; "*" when unset. */
  role: pString().optional(),
  roles: pRepeated(pString()),
  hostname: pString().optional(),
  principal: pString().optional(),
  webui_url: pString().optional(),
  capabilities: pRepeated(z.object({ type: pEnumLenient(FRAMEWORK_CAPABILITIES) })),
  labels: Labels.optional(),
  offer_filters: pMap(OfferFilters),
});
export type FrameworkInfo = z.infer<typeof FrameworkInfo>;

/** True when the framework declared the capability. */
export function hasCapability(info: FrameworkInfo, type: FrameworkCapabilityType): boolean {
  return info.capabilities?.some((c) => c.type === type) ?? false;
}

/** The roles a framework subscribes with: `roles` under MULTI_ROLE, else its single `role` (default "*"). */
export function frameworkRoles(info: FrameworkInfo): string[] {
  return hasCapability(info, "MULTI_ROLE") ? [...(info.roles ?? [])] : [info.role ?? "*"];
}
