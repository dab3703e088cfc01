import type { StatusUpdate } from "./status-update.js";

/** One record of a task's update stream: an update the agent generated, or the master's acknowledgement of one. */
export type UpdateLogRecord =
  | { type: "UPDATE"; update: StatusUpdate }
  | { type: "ACK"; uuid: string };

export interface StreamKey {
  frameworkId: string;
  taskId: string;
}

/** A recovered stream: its key and every record in the order it was written. */
export interface RecoveredStream {
  key: StreamKey;
  records: UpdateLogRecord[];
}

/**
 * Where the status update manager checkpoints its streams (the agent's is AgentCheckpoint.updates).
 * `append` resolves once the record is durable; records of one stream are replayed in append order.
 */
export interface UpdateLog {
  append(key: StreamKey, record: UpdateLogRecord): Promise<void>;
  /** The stream is over (terminal update acknowledged): forget it. */
  remove(key: StreamKey): Promise<void>;
  readAll(): Promise<RecoveredStream[]>;
}
