import type { InjectionToken } from "tsyringe";
import type { AgentHooks, Containerizer } from "../hooks/index.js";
import type { Logger } from "pino";
import type { AgentConfig } from "./agent-config.js";
import type { AgentCheckpoint } from "./checkpoint/agent-checkpoint.js";
import type { SandboxCreator } from "./tasks/task-launcher.js";

// Injection tokens of the agent's composition root (tsyringe; esbuild emits no decorator metadata).
export const AGENT_CONFIG: InjectionToken<AgentConfig> = Symbol("tessera.agent.config");
export const AGENT_LOGGER: InjectionToken<Logger> = Symbol("tessera.agent.logger");
export const AGENT_HOOKS: InjectionToken<AgentHooks> = Symbol("tessera.agent.hooks");
/** The containerizer used when no `selectContainerizer` tap claims a task (the process containerizer). */
export const DEFAULT_CONTAINERIZER: InjectionToken<Containerizer> = Symbol("tessera.agent.defaultContainerizer");
/** The agent's checkpoint (identity, tasks, status update streams) under its work dir. */
export const AGENT_CHECKPOINT: InjectionToken<AgentCheckpoint> = Symbol("tessera.agent.checkpoint");
export const SANDBOX_CREATOR: InjectionToken<SandboxCreator> = Symbol("tessera.agent.sandboxCreator");
