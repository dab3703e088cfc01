import { randomUUID } from "node:crypto";
import type { TaskStatusJson } from "../../api/agent-protocol/common.js";

/** Mesos `StatusUpdate`: a task status plus the framework it belongs to, identified by its uuid. */
export interface StatusUpdate {
  framework_id: { value: string };
  executor_id?: { value: string };
  agent_id?: { value: string };
  status: TaskStatusJson;
  /** Seconds since the epoch, as Mesos. */
  timestamp: number;
  /** Base64 of 16 random bytes, as Mesos; also copied into `status.uuid`. */
  uuid: string;
}

/**
 * A fresh update uuid: the 16 bytes of a random (version 4) UUID in base64, as Mesos sends
 * `id::UUID::random().toBytes()`. randomUUID draws from Node's buffered entropy; randomBytes(16)
 * made a getrandom call per update (a fifth of a millisecond each on this VM).
 */
export function newUpdateUuid(): string {
  return Buffer.from(randomUUID().replaceAll("-", ""), "hex").toString("base64");
}

/** Wraps a status into a uniquely identified, timestamped update. */
export function makeStatusUpdate(frameworkId: string, status: TaskStatusJson): StatusUpdate {
  const uuid = newUpdateUuid();
  const timestamp = Date.now() / 1000;
  return {
    framework_id: { value: frameworkId },
    ...(status.executor_id ? { executor_id: status.executor_id } : {}),
    ...(status.agent_id ? { agent_id: status.agent_id } : {}),
    status: { ...status, uuid, timestamp },
    timestamp,
    uuid,
  };
}
