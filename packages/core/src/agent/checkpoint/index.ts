// The agent's checkpoint: what a restarted agent reads to recover its id, tasks, containers and updates.
export { AgentCheckpoint } from "./agent-checkpoint.js";
export { Journal, type JournalOptions } from "./journal.js";
export { CheckpointError, writeJsonAtomic, writeFileAtomic, readJsonFile, readdirOrEmpty } from "./atomic-file.js";
export {
  AgentIdentitySchema,
  CheckpointedUpdateSchema,
  JournalRecordSchema,
  TaskCheckpointSchema,
  type AgentIdentity,
} from "./schemas.js";
