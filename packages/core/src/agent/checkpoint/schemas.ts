// What the agent checkpoints, validated when read back: a file on disk is untrusted input.
import { z } from "zod";

const Id = z.object({ value: z.string().min(1) });

/** The agent's identity: the id the master gave it, and the AgentInfo it registered with. */
export const AgentIdentitySchema = z.object({
  agent_id: Id,
  info: z.record(z.string(), z.unknown()).optional(),
});
export type AgentIdentity = z.infer<typeof AgentIdentitySchema>;

export const FrameworkCheckpointSchema = z.object({
  frameworkId: z.string().min(1),
  info: z.record(z.string(), z.unknown()),
});
export type FrameworkCheckpoint = z.infer<typeof FrameworkCheckpointSchema>;

/** A task the agent accepted: written before its container starts. */
export const TaskCheckpointSchema = z.object({
  frameworkId: z.string().min(1),
  executorId: z.string().min(1).optional(),
  task: z.looseObject({ task_id: Id }),
});
export type TaskCheckpointEntry = z.infer<typeof TaskCheckpointSchema>;

/** The hooks' CheckpointedContainer: how to find the task's container again after a restart. */
export const CheckpointedContainerSchema = z.object({
  containerId: z.string().min(1),
  containerizer: z.string().min(1),
  taskId: z.string().min(1),
  frameworkId: z.string().min(1),
  sandbox: z.string().min(1),
  pid: z.number().int().positive().optional(),
  data: z.record(z.string(), z.unknown()).optional(),
});

/** A status update as checkpointed: any StatusUpdate JSON with the uuid its acknowledgement names. */
export const CheckpointedUpdateSchema = z.looseObject({ uuid: z.string().min(1) });
export type CheckpointedUpdate = z.infer<typeof CheckpointedUpdateSchema>;

/** One line of a task's update log. */
export const UpdateLogLineSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("update"), update: CheckpointedUpdateSchema }),
  z.object({ type: z.literal("ack"), uuid: z.string().min(1) }),
]);
export type UpdateLogLine = z.infer<typeof UpdateLogLineSchema>;
