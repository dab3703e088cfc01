import type { InjectionToken } from "tsyringe";
import type { AgentHooks, Containerizer } from "../hooks/index.js";
import type { Logger } from "pino";
import type { AgentConfig } from "./agent-config.js";
import type { AgentMeta } from "./meta/agent-meta.js";
import type { SandboxCreator } from "./tasks/task-launcher.js";

// Injection tokens of the agent's composition root (tsyringe; esbuild emits no decorator metadata).
export const AGENT_CONFIG: InjectionToken<AgentConfig> = Symbol("tessera.agent.config");
export const AGENT_LOGGER: InjectionToken<Logger> = Symbol("tessera.agent.logger");
export const AGENT_HOOKS: InjectionToken<AgentHooks> = Symbol("tessera.agent.hooks");
/** The containerizer used when no `selectContainerizer` tap claims a task (the process containerizer). */
export const DEFAULT_CONTAINERIZER: InjectionToken<Containerizer> = Symbol("tessera.agent.defaultContainerizer");
export const AGENT_META: InjectionToken<AgentMeta> = Symbol("tessera.agent.meta");
export const SANDBOX_CREATOR: InjectionToken<SandboxCreator> = Symbol("tessera.agent.sandboxCreator");
