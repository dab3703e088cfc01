import type { AgentInfo } from "../api/agent-protocol/common.js";
import type * as m from "../api/mesos/index.js";
import type { Storage } from "../registry/storage.js";

/** What survives a master restart, as the master reads it at start. */
export interface RecoveredState {
  /** Admitted agents: they may re-register with their ids. */
  agents: Array<{ id: string; info: AgentInfo }>;
  /** Agents marked unreachable (ms since the epoch). */
  unreachable: Array<{ id: string; info: AgentInfo; since: number }>;
  /** Agents that must never come back. */
  gone: string[];
  frameworks: Array<{ id: string; info: m.FrameworkInfo }>;
}

/**
 * The durable registry as the master uses it. Every write resolves once stored, and the master
 * waits for it before answering (Mesos: the registrar first, then the reply).
 */
export interface MasterRegistry {
  recover(): Promise<RecoveredState>;
  admitAgent(id: string, info: AgentInfo): Promise<void>;
  markUnreachable(id: string, sinceMs: number): Promise<void>;
  markReachable(id: string, info: AgentInfo): Promise<void>;
  /** The agent left (UNREGISTER, or replaced by a new one on the same address); it may register anew. */
  removeAgent(id: string): Promise<void>;
  /** The agent must never come back (operator MARK_AGENT_GONE). */
  markGone(id: string): Promise<void>;
  addFramework(id: string, info: m.FrameworkInfo): Promise<void>;
  removeFramework(id: string): Promise<void>;
  /** Optional: a module's own durable namespace (e.g. the license seats tasks hold). */
  moduleState?(moduleName: string): Storage;
  close?(): Promise<void> | void;
}
