// What the agent checkpoints, validated when read back: a file on disk is untrusted input.
import { z } from "zod";

const Id = z.object({ value: z.string().min(1) });

/** The agent's identity: the id the master gave it, and the AgentInfo it registered with. */
export const AgentIdentitySchema = z.object({
  agent_id: Id,
  info: z.record(z.string(), z.unknown()).optional(),
});
export type AgentIdentity = z.infer<typeof AgentIdentitySchema>;

/** Resources the master asked the agent to persist (CHECKPOINT_RESOURCES). */
export const CheckpointedResourcesSchema = z.array(z.unknown());

/** A task the agent holds: TaskInfo, its container once launched, launch progress and decided outcome. */
export const TaskCheckpointSchema = z.looseObject({
  frameworkId: z.string().min(1),
  frameworkInfo: z.looseObject({ user: z.string(), name: z.string() }),
  executorId: z.string().min(1),
  executorInfo: z.looseObject({ executor_id: Id }).optional(),
  containerId: z.string().min(1),
  task: z.looseObject({ task_id: Id, name: z.string(), resources: z.array(z.unknown()).default([]) }),
  sandbox: z.string().optional(),
  containerizer: z.string().optional(),
  pid: z.number().int().positive().optional(),
  data: z.record(z.string(), z.unknown()).optional(),
  launched: z.boolean(),
  terminated: z.boolean(),
  final: z.looseObject({ state: z.string(), message: z.string().optional(), reason: z.string().optional() }).optional(),
});

/** A status update as checkpointed: StatusUpdate JSON with the uuid its acknowledgement names. */
export const CheckpointedUpdateSchema = z.looseObject({
  uuid: z.string().min(1),
  framework_id: Id,
  status: z.looseObject({ task_id: Id, state: z.string() }),
});

/**
 * One line of the agent's journal (see AgentCheckpoint): a task checkpoint replaced or removed, a
 * status update accepted, the master's acknowledgement of one, a task's update stream closed.
 */
export const JournalRecordSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("TASK"), task: TaskCheckpointSchema }),
  z.object({ type: z.literal("TASK_REMOVED"), framework_id: z.string().min(1), task_id: z.string().min(1) }),
  z.object({ type: z.literal("UPDATE"), update: CheckpointedUpdateSchema }),
  z.object({ type: z.literal("ACK"), framework_id: z.string().min(1), task_id: z.string().min(1), uuid: z.string().min(1) }),
  z.object({ type: z.literal("STREAM_CLOSED"), framework_id: z.string().min(1), task_id: z.string().min(1) }),
]);
