// The agent runtime: startAgent and the parts it is built from (the containerizer, sandbox and
// checkpoint folders export their own).
export { startAgent, type StartAgentOptions, type AgentHandle } from "./start-agent.js";
export { Agent, type CompletedTask } from "./agent.js";
export type { AgentConfig } from "./agent-config.js";
export { AGENT_CONFIG, AGENT_HOOKS, AGENT_LOGGER, AGENT_CHECKPOINT, DEFAULT_CONTAINERIZER, SANDBOX_CREATOR } from "./tokens.js";
export { detectResources, defaultResourcesText, measureMachine, type MachineFacts } from "./resources-detect.js";
export { parseAttributes } from "./attributes.js";
export { validateTask, killGraceMs, commandEnv, TaskValidationError, DEFAULT_KILL_GRACE_MS } from "./task-validation.js";
export {
  StatusUpdateManager,
  DEFAULT_STATUS_UPDATE_RETRY,
  type RetryPolicy,
  type StatusUpdateManagerOptions,
} from "./status-updates/status-update-manager.js";
export { makeStatusUpdate, newUpdateUuid, type StatusUpdate } from "./status-updates/status-update.js";
export type { UpdateLog, UpdateLogRecord, StreamKey, RecoveredStream } from "./status-updates/update-log.js";
export { MasterLink, MasterCallError, type MasterLinkOptions } from "./master/master-link.js";
export { createAgentServer, type AgentServerDeps, type SandboxFiles } from "./http/agent-server.js";
export { resolveFilesPath, type SandboxEntry, type SandboxTarget } from "./http/virtual-paths.js";
export type { SandboxCreator, StatusFields } from "./tasks/task-launcher.js";
export type { TaskCheckpoint } from "./tasks/task-record.js";
