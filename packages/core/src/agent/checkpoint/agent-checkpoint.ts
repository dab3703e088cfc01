import { readdir, rm, unlink } from "node:fs/promises";
import { join } from "node:path";
import type { CheckpointedContainer } from "../../hooks/containerizer.js";
import { isTempFile, readJsonFile, writeJsonAtomic } from "./atomic-file.js";
import {
  AgentIdentitySchema,
  CheckpointedContainerSchema,
  FrameworkCheckpointSchema,
  TaskCheckpointSchema,
  type AgentIdentity,
  type CheckpointedUpdate,
  type TaskCheckpointEntry,
} from "./schemas.js";
import { UpdateLogFile } from "./update-log.js";

/** A task as a restarted agent finds it: what it was, its container if launched, what is unacknowledged. */
export interface RecoveredTask {
  frameworkId: string;
  taskId: string;
  executorId?: string;
  task: TaskCheckpointEntry["task"];
  /** Absent when the agent died before the container started. */
  container?: CheckpointedContainer;
  /** Status updates the master has not acknowledged yet, oldest first: re-send them. */
  pendingUpdates: CheckpointedUpdate[];
}

export interface RecoveredFramework {
  frameworkId: string;
  /** FrameworkInfo JSON; absent if the agent died before writing it. */
  info?: Record<string, unknown>;
  tasks: RecoveredTask[];
}

export interface RecoveredCheckpoint {
  agent?: AgentIdentity;
  frameworks: RecoveredFramework[];
}

/**
 * The agent's checkpoint under `<workDir>/meta`, laid out as Mesos's meta dir:
 *   agent.json                                     id and AgentInfo
 *   frameworks/<fid>/framework.json                FrameworkInfo
 *   frameworks/<fid>/tasks/<tid>/task.json         TaskInfo
 *   frameworks/<fid>/tasks/<tid>/container.json    CheckpointedContainer, once launched
 *   frameworks/<fid>/tasks/<tid>/updates.jsonl     status updates and acknowledgements
 * Every JSON file is replaced atomically; the update log is appended to. Ids are free text, so each
 * becomes one percent-encoded directory name.
 */
export class AgentCheckpoint {
  readonly dir: string;

  constructor(workDir: string) {
    this.dir = join(workDir, "meta");
  }

  writeAgent(agentId: string, info?: Record<string, unknown>): Promise<void> {
    return writeJsonAtomic(join(this.dir, "agent.json"), { agent_id: { value: agentId }, ...(info ? { info } : {}) });
  }

  readAgent(): Promise<AgentIdentity | undefined> {
    return readJsonFile(join(this.dir, "agent.json"), AgentIdentitySchema);
  }

  /** Forgets the agent's id (the master removed it): the next start registers anew. */
  async clearAgent(): Promise<void> {
    await rm(join(this.dir, "agent.json"), { force: true });
  }

  writeFramework(frameworkId: string, info: Record<string, unknown>): Promise<void> {
    return writeJsonAtomic(join(this.frameworkDir(frameworkId), "framework.json"), { frameworkId, info });
  }

  /** Removes the framework with all its tasks and their update logs. */
  async removeFramework(frameworkId: string): Promise<void> {
    await rm(this.frameworkDir(frameworkId), { recursive: true, force: true });
  }

  /** Checkpoints a task the agent accepted, before anything is spent on it. */
  writeTask(frameworkId: string, task: TaskCheckpointEntry["task"], executorId?: string): Promise<void> {
    return writeJsonAtomic(join(this.taskDir(frameworkId, task.task_id.value), "task.json"), {
      frameworkId,
      ...(executorId ? { executorId } : {}),
      task,
    });
  }

  /** Checkpoints the task's container (after launch: pid and the containerizer's data). */
  writeContainer(container: CheckpointedContainer): Promise<void> {
    return writeJsonAtomic(join(this.taskDir(container.frameworkId, container.taskId), "container.json"), container);
  }

  /** Removes a task that is over and fully acknowledged, update log included. */
  async removeTask(frameworkId: string, taskId: string): Promise<void> {
    await rm(this.taskDir(frameworkId, taskId), { recursive: true, force: true });
  }

  /** Records an update before it is sent; it stays pending until acknowledged. */
  appendUpdate(frameworkId: string, taskId: string, update: CheckpointedUpdate): Promise<void> {
    return this.updateLog(frameworkId, taskId).append({ type: "update", update });
  }

  /** Records the master's acknowledgement; false when no pending update has that uuid. */
  async ackUpdate(frameworkId: string, taskId: string, uuid: string): Promise<boolean> {
    const log = this.updateLog(frameworkId, taskId);
    const { updates } = await log.pending();
    if (!updates.some((u) => u.uuid === uuid)) return false;
    await log.append({ type: "ack", uuid });
    return true;
  }

  async pendingUpdates(frameworkId: string, taskId: string): Promise<CheckpointedUpdate[]> {
    return (await this.updateLog(frameworkId, taskId).pending()).updates;
  }

  /**
   * Everything a restarted agent needs. Rewrites each update log to its pending updates (dropping a
   * line a crash cut short) and removes temp files of interrupted writes. A corrupt file rejects
   * with CheckpointError naming it.
   */
  async recover(): Promise<RecoveredCheckpoint> {
    const out: RecoveredCheckpoint = { frameworks: [] };
    const agent = await this.readAgent();
    if (agent) out.agent = agent;
    await removeTempFiles(this.dir);
    const root = join(this.dir, "frameworks");
    for (const f of await dirsIn(root)) {
      const fdir = join(root, f);
      await removeTempFiles(fdir);
      const fw = await readJsonFile(join(fdir, "framework.json"), FrameworkCheckpointSchema);
      const framework: RecoveredFramework = { frameworkId: fw?.frameworkId ?? decodeSegment(f), ...(fw ? { info: fw.info } : {}), tasks: [] };
      for (const t of await dirsIn(join(fdir, "tasks"))) {
        const tdir = join(fdir, "tasks", t);
        await removeTempFiles(tdir);
        const entry = await readJsonFile(join(tdir, "task.json"), TaskCheckpointSchema);
        // A directory without task.json: the agent died before checkpointing the task, so it never started.
        if (!entry) continue;
        const container = await readJsonFile(join(tdir, "container.json"), CheckpointedContainerSchema);
        const log = new UpdateLogFile(join(tdir, "updates.jsonl"));
        const { updates, torn, lines } = await log.pending();
        if (torn || lines !== updates.length) await log.compact(updates);
        framework.tasks.push({
          frameworkId: entry.frameworkId,
          taskId: entry.task.task_id.value,
          ...(entry.executorId ? { executorId: entry.executorId } : {}),
          task: entry.task,
          ...(container ? { container: container as CheckpointedContainer } : {}),
          pendingUpdates: updates,
        });
      }
      out.frameworks.push(framework);
    }
    return out;
  }

  private frameworkDir(frameworkId: string): string {
    return join(this.dir, "frameworks", encodeSegment("frameworkId", frameworkId));
  }

  private taskDir(frameworkId: string, taskId: string): string {
    return join(this.frameworkDir(frameworkId), "tasks", encodeSegment("taskId", taskId));
  }

  private updateLog(frameworkId: string, taskId: string): UpdateLogFile {
    return new UpdateLogFile(join(this.taskDir(frameworkId, taskId), "updates.jsonl"));
  }
}

/** Any id as exactly one directory name: percent-encoded, dots too when it would be "." or "..". */
function encodeSegment(what: string, id: string): string {
  if (typeof id !== "string" || id === "") throw new TypeError(`checkpoint: ${what} must be a non-empty string`);
  const e = encodeURIComponent(id);
  return e === "." || e === ".." ? e.replaceAll(".", "%2E") : e;
}

function decodeSegment(name: string): string {
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

async function dirsIn(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
}

async function removeTempFiles(dir: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  await Promise.all(names.filter(isTempFile).map((n) => unlink(join(dir, n)).catch(() => undefined)));
}
