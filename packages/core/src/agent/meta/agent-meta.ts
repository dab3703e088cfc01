import { rm } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { AgentCheckpoint, readdirOrEmpty, readJsonFile, writeJsonAtomic } from "../checkpoint/index.js";
import type { TaskCheckpoint } from "../tasks/task-record.js";
import { pathSegment } from "./path-segment.js";

const Id = z.object({ value: z.string().min(1) });

/** A task checkpoint read back from disk is untrusted input: check the fields recovery relies on. */
const TaskCheckpointFileSchema = z.looseObject({
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

const ResourcesFileSchema = z.array(z.unknown());

/**
 * The agent runtime's checkpoint under `<workDir>/meta`: its identity (the checkpoint module's
 * `agent.json`), one file per task it holds (`tasks/<fid>/<tid>.json`: TaskInfo, container,
 * launch progress and decided outcome), the resources the master asked it to persist, and the
 * status update logs (`updates/`). Every file is replaced atomically.
 */
export class AgentMeta {
  readonly dir: string;
  private readonly identity: AgentCheckpoint;

  constructor(workDir: string) {
    this.identity = new AgentCheckpoint(workDir);
    this.dir = this.identity.dir;
  }

  get updatesDir(): string {
    return join(this.dir, "updates");
  }

  async readAgentId(): Promise<string | undefined> {
    return (await this.identity.readAgent())?.agent_id.value;
  }

  writeAgentId(agentId: string, info?: Record<string, unknown>): Promise<void> {
    return this.identity.writeAgent(agentId, info);
  }

  /** Forget the id (the master removed this agent): the next start registers anew. */
  clearAgentId(): Promise<void> {
    return this.identity.clearAgent();
  }

  writeTask(cp: TaskCheckpoint): Promise<void> {
    return writeJsonAtomic(this.taskFile(cp.frameworkId, cp.task.task_id.value), cp);
  }

  async removeTask(frameworkId: string, taskId: string): Promise<void> {
    await rm(this.taskFile(frameworkId, taskId), { force: true });
  }

  /** Every task checkpoint; a corrupt one rejects with CheckpointError naming the file. */
  async readTasks(): Promise<TaskCheckpoint[]> {
    const root = join(this.dir, "tasks");
    const out: TaskCheckpoint[] = [];
    for (const f of await readdirOrEmpty(root)) {
      for (const name of await readdirOrEmpty(join(root, f))) {
        if (!name.endsWith(".json") || name.startsWith(".")) continue;
        const cp = await readJsonFile(join(root, f, name), TaskCheckpointFileSchema);
        if (cp) out.push(cp as unknown as TaskCheckpoint);
      }
    }
    return out;
  }

  writeCheckpointedResources(resources: unknown[]): Promise<void> {
    return writeJsonAtomic(join(this.dir, "resources.json"), resources);
  }

  readCheckpointedResources(): Promise<unknown[] | undefined> {
    return readJsonFile(join(this.dir, "resources.json"), ResourcesFileSchema);
  }

  private taskFile(frameworkId: string, taskId: string): string {
    return join(this.dir, "tasks", pathSegment(frameworkId), `${pathSegment(taskId)}.json`);
  }
}
