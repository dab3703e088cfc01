import { AgentLifecycleHooks } from "./agent-lifecycle-hooks.js";
import { AllocationHooks } from "./allocation-hooks.js";
import { ContainerizationHooks } from "./containerization-hooks.js";
import { IsolationHooks } from "./isolation-hooks.js";
import { MasterLifecycleHooks } from "./master-lifecycle-hooks.js";
import { OversubscriptionHooks } from "./oversubscription-hooks.js";
import { ResourceProviderHooks } from "./resource-provider-hooks.js";

/** Every hook a master exposes, by group. Components own their group; the master gathers them. */
export interface MasterHooks {
  readonly allocation: AllocationHooks["hooks"];
  readonly resourceProviders: ResourceProviderHooks["hooks"];
  readonly masterLifecycle: MasterLifecycleHooks["hooks"];
}

/** Every hook an agent exposes, by group. */
export interface AgentHooks {
  readonly containerization: ContainerizationHooks["hooks"];
  readonly isolation: IsolationHooks["hooks"];
  readonly oversubscription: OversubscriptionHooks["hooks"];
  readonly agentLifecycle: AgentLifecycleHooks["hooks"];
}

/** Both roles' groups; a module serving both roles sees the groups of the node it runs on. */
export type AllHooks = MasterHooks & AgentHooks;
export type NodeRole = "master" | "agent";
export type MasterHookGroup = keyof MasterHooks;
export type AgentHookGroup = keyof AgentHooks;
export type HookGroupName = MasterHookGroup | AgentHookGroup;

export const MASTER_HOOK_GROUPS: readonly MasterHookGroup[] = Object.freeze([
  "allocation",
  "resourceProviders",
  "masterLifecycle",
]);
export const AGENT_HOOK_GROUPS: readonly AgentHookGroup[] = Object.freeze([
  "containerization",
  "isolation",
  "oversubscription",
  "agentLifecycle",
]);
export const HOOK_GROUPS: readonly HookGroupName[] = Object.freeze([...MASTER_HOOK_GROUPS, ...AGENT_HOOK_GROUPS]);

/** The groups a node of this role has. */
export function hookGroupsFor(role: NodeRole): readonly HookGroupName[] {
  return role === "master" ? MASTER_HOOK_GROUPS : AGENT_HOOK_GROUPS;
}

/** Gathers a master's hooks; pass the groups components already own, the rest are created. */
export function createMasterHooks(parts: Partial<MasterHooks> = {}): MasterHooks {
  return Object.freeze({
    allocation: parts.allocation ?? new AllocationHooks().hooks,
    resourceProviders: parts.resourceProviders ?? new ResourceProviderHooks().hooks,
    masterLifecycle: parts.masterLifecycle ?? new MasterLifecycleHooks().hooks,
  });
}

/** Gathers an agent's hooks; pass the groups components already own, the rest are created. */
export function createAgentHooks(parts: Partial<AgentHooks> = {}): AgentHooks {
  return Object.freeze({
    containerization: parts.containerization ?? new ContainerizationHooks().hooks,
    isolation: parts.isolation ?? new IsolationHooks().hooks,
    oversubscription: parts.oversubscription ?? new OversubscriptionHooks().hooks,
    agentLifecycle: parts.agentLifecycle ?? new AgentLifecycleHooks().hooks,
  });
}
