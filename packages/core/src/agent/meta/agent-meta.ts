import { mkdir, open, readdir, readFile, rename, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { TaskCheckpoint } from "../tasks/task-record.js";

/**
 * The agent's checkpointed state under `<workDir>/meta`: its id, its tasks, and the resources
 * the master asked it to persist. Status update logs live beside them in `meta/updates`.
 */
export class AgentMeta {
  readonly dir: string;

  constructor(workDir: string) {
    this.dir = join(workDir, "meta");
  }

  get updatesDir(): string {
    return join(this.dir, "updates");
  }

  async readAgentId(): Promise<string | undefined> {
    const v = await readJson<{ agent_id?: { value?: string } }>(join(this.dir, "agent.json"));
    return v?.agent_id?.value;
  }

  async writeAgentId(agentId: string): Promise<void> {
    await writeJsonAtomic(join(this.dir, "agent.json"), { agent_id: { value: agentId } });
  }

  /** Forget the id (the master removed this agent): the next start registers anew. */
  async clearAgentId(): Promise<void> {
    await rm(join(this.dir, "agent.json"), { force: true });
  }

  async writeTask(cp: TaskCheckpoint): Promise<void> {
    await writeJsonAtomic(this.taskFile(cp.frameworkId, cp.task.task_id.value), cp);
  }

  async removeTask(frameworkId: string, taskId: string): Promise<void> {
    await rm(this.taskFile(frameworkId, taskId), { force: true });
  }

  async readTasks(): Promise<TaskCheckpoint[]> {
    const root = join(this.dir, "tasks");
    const out: TaskCheckpoint[] = [];
    for (const f of await readdirOrEmpty(root)) {
      for (const name of await readdirOrEmpty(join(root, f))) {
        if (!name.endsWith(".json")) continue;
        const cp = await readJson<TaskCheckpoint>(join(root, f, name));
        if (cp) out.push(cp);
      }
    }
    return out;
  }

  async writeCheckpointedResources(resources: unknown[]): Promise<void> {
    await writeJsonAtomic(join(this.dir, "resources.json"), resources);
  }

  async readCheckpointedResources(): Promise<unknown[] | undefined> {
    return readJson<unknown[]>(join(this.dir, "resources.json"));
  }

  private taskFile(frameworkId: string, taskId: string): string {
    return join(this.dir, "tasks", encodeURIComponent(frameworkId), `${encodeURIComponent(taskId)}.json`);
  }
}

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, "utf8")) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new Error(`checkpoint ${file} is unreadable: ${(err as Error).message}`);
  }
}

// write-to-temp, fsync, rename: a crash leaves the old or the new file, never half of one.
async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const fh = await open(tmp, "w");
  try {
    await fh.writeFile(JSON.stringify(value));
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, file);
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
}
