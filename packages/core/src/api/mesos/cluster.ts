// Master, agent and cluster-level messages of mesos.v1.
import { z } from "zod";
import { pBool, pDouble, pEnum, pEnumLenient, pInt32, pRepeated, pString, pUint32 } from "../proto-json.js";
import { AgentID, Address, DurationInfo, FrameworkID, ResourceProviderID } from "./ids.js";
import { Attribute, ReservationInfo, Resource } from "./values.js";

export const DomainInfo = z.object({
  fault_domain: z
    .object({ region: z.object({ name: pString() }), zone: z.object({ name: pString() }) })
    .optional(),
});
export type DomainInfo = z.infer<typeof DomainInfo>;

export const MASTER_CAPABILITIES = ["UNKNOWN", "AGENT_UPDATE", "AGENT_DRAINING", "QUOTA_V2"] as const;
export const MasterInfo = z.object({
  id: pString(),
  /** IPv4 address packed into a uint32 in network byte order, as Mesos does. */
  ip: pUint32(),
  port: pUint32(),
  pid: pString().optional(),
  hostname: pString().optional(),
  version: pString().optional(),
  address: Address.optional(),
  domain: DomainInfo.optional(),
  capabilities: pRepeated(z.object({ type: pEnumLenient(MASTER_CAPABILITIES) })),
});
export type MasterInfo = z.infer<typeof MasterInfo>;

export const AGENT_CAPABILITIES = [
  "UNKNOWN", "MULTI_ROLE", "HIERARCHICAL_ROLE", "RESERVATION_REFINEMENT", "RESOURCE_PROVIDER",
  "RESIZE_VOLUME", "AGENT_OPERATION_FEEDBACK", "AGENT_DRAINING", "TASK_RESOURCE_LIMITS",
] as const;
export const AgentCapability = z.object({ type: pEnumLenient(AGENT_CAPABILITIES) });
export type AgentCapability = z.infer<typeof AgentCapability>;

export const AgentInfo = z.object({
  hostname: pString(),
  /** Defaults to 5051. */
  port: pInt32().optional(),
  resources: pRepeated(Resource),
  attributes: pRepeated(Attribute),
  id: AgentID.optional(),
  domain: DomainInfo.optional(),
});
export type AgentInfo = z.infer<typeof AgentInfo>;

export const ResourceProviderInfo = z.object({
  id: ResourceProviderID.optional(),
  attributes: pRepeated(Attribute),
  type: pString(),
  name: pString(),
  default_reservations: pRepeated(ReservationInfo),
  /** CSI storage settings, passed through to the provider unchecked. */
  storage: z.record(z.string(), z.unknown()).optional(),
});
export type ResourceProviderInfo = z.infer<typeof ResourceProviderInfo>;

export const MachineID = z.object({ hostname: pString().optional(), ip: pString().optional() });
export type MachineID = z.infer<typeof MachineID>;

export const VersionInfo = z.object({
  version: pString(),
  build_date: pString().optional(),
  build_time: pDouble().optional(),
  build_user: pString().optional(),
  git_sha: pString().optional(),
  git_branch: pString().optional(),
  git_tag: pString().optional(),
});
export type VersionInfo = z.infer<typeof VersionInfo>;

export const Flag = z.object({ name: pString(), value: pString().optional() });
export type Flag = z.infer<typeof Flag>;

export const Role = z.object({
  name: pString(),
  weight: pDouble(),
  frameworks: pRepeated(FrameworkID),
  resources: pRepeated(Resource),
});
export type Role = z.infer<typeof Role>;

export const Metric = z.object({ name: pString(), value: pDouble().optional() });
export type Metric = z.infer<typeof Metric>;

export const WeightInfo = z.object({ weight: pDouble(), role: pString().optional() });
export type WeightInfo = z.infer<typeof WeightInfo>;

export const DRAIN_STATES = ["UNKNOWN", "DRAINING", "DRAINED"] as const;
export const DrainInfo = z.object({
  state: pEnum(DRAIN_STATES),
  config: z.object({ max_grace_period: DurationInfo.optional(), mark_gone: pBool().optional() }),
});
export type DrainInfo = z.infer<typeof DrainInfo>;
