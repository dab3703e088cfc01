// The master's durable registry and the storage it sits on.
export { type Storage, type Versioned, type KvEntry, VersionConflictError } from "./storage.js";
export { MemoryStorage } from "./memory-storage.js";
export { SqliteStorage } from "./sqlite-storage.js";
export { PrefixedStorage } from "./prefixed-storage.js";
export { Registry, type RegistryOptions } from "./registry.js";
export { RegistryError, RegistryCorruptError } from "./errors.js";
export {
  AgentRecordSchema,
  FrameworkRecordSchema,
  AGENT_STATES,
  type AgentRecord,
  type FrameworkRecord,
  type AgentRegistryState,
} from "./records.js";
