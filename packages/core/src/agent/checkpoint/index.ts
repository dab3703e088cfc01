// The agent's checkpoint: what a restarted agent reads to recover its id, tasks, containers and updates.
export {
  AgentCheckpoint,
  type RecoveredCheckpoint,
  type RecoveredFramework,
  type RecoveredTask,
} from "./agent-checkpoint.js";
export { CheckpointError, writeJsonAtomic, writeFileAtomic, readJsonFile, readdirOrEmpty } from "./atomic-file.js";
export { UpdateLogFile } from "./update-log.js";
export {
  AgentIdentitySchema,
  CheckpointedContainerSchema,
  CheckpointedUpdateSchema,
  TaskCheckpointSchema,
  type AgentIdentity,
  type CheckpointedUpdate,
  type TaskCheckpointEntry,
} from "./schemas.js";
