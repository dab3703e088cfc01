// Public API of the master: start one (startMaster), or drive the logic directly (Master).
export { startMaster, TESSERA_VERSION, type StartMasterOptions, type RunningMaster } from "./start-master.js";
export { Master, DEFAULT_MASTER_CONFIG, type MasterConfig, type ProviderPoolView } from "./master.js";
export type { MasterRegistry, RecoveredState } from "./registry-port.js";
export { AlwaysLeader, type LeaderElection } from "./leader.js";
export { MemorySink, type EventSink } from "./event-sink.js";
export { RecordIOSink } from "./recordio-sink.js";
export { createMasterHandler, type MasterHttpOptions } from "./http-server.js";
export { canTaskTransition, taskTransition, isTerminalTaskState, IllegalTransitionError } from "./task-states.js";
export { StatusUpdateForwarder, type ForwarderOptions } from "./status-update-forwarder.js";
export { masterStateJson, providerPoolsJson, resourcesModel, getAgents, getFrameworks, getTasks, getState, getRoles } from "./state-view.js";
export { metricsSnapshot, masterPromRegistry } from "./metrics.js";
export { TOKENS as MASTER_TOKENS } from "./tokens.js";
export type {
  AgentRecord as MasterAgentRecord,
  FrameworkRecord as MasterFrameworkRecord,
  TaskRecord as MasterTaskRecord,
  OfferRecord as MasterOfferRecord,
  CompletedFramework,
} from "./records.js";
