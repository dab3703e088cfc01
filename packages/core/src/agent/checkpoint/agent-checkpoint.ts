import { rm } from "node:fs/promises";
import { join } from "node:path";
import type { StatusUpdate } from "../status-updates/status-update.js";
import type { RecoveredStream, StreamKey, UpdateLog, UpdateLogRecord } from "../status-updates/update-log.js";
import type { TaskCheckpoint } from "../tasks/task-record.js";
import { readJsonFile, writeJsonAtomic } from "./atomic-file.js";
import { Journal } from "./journal.js";
import { readLegacyLayout, removeLegacyLayout } from "./legacy-layout.js";
import { AgentIdentitySchema, CheckpointedResourcesSchema, JournalRecordSchema, type AgentIdentity } from "./schemas.js";

/** A journal line (JournalRecordSchema checks it when read back). */
type JournalRecord =
  | { type: "TASK"; task: TaskCheckpoint }
  | { type: "TASK_REMOVED"; framework_id: string; task_id: string }
  | { type: "UPDATE"; update: StatusUpdate }
  | { type: "ACK"; framework_id: string; task_id: string; uuid: string }
  | { type: "STREAM_CLOSED"; framework_id: string; task_id: string };

const keyOf = (frameworkId: string, taskId: string) => `${frameworkId}\u0000${taskId}`;

/**
 * The agent's checkpoint under `<workDir>/meta`: what a restarted agent reads to recover.
 *   agent.json       its id and AgentInfo (replaced atomically)
 *   resources.json   resources the master asked it to persist (replaced atomically)
 *   journal.jsonl    every task it holds (TaskInfo, container, launch progress, decided outcome) and
 *                    each task's status update stream (updates and acknowledgements), as records
 * The journal is append-only with group commit (see Journal): the records a turn of the event loop
 * produces for many tasks share one durable (O_DSYNC) write, and each write resolves only once its
 * record is durable, so an update is on disk before it is sent. The current state is kept here too,
 * so the journal can be rewritten to just that when it has grown.
 */
export class AgentCheckpoint {
  readonly dir: string;
  /** Checkpoint of the status update manager's streams, in the same journal. */
  readonly updates: UpdateLog;
  private readonly journal: Journal<JournalRecord>;
  private readonly tasks = new Map<string, TaskCheckpoint>();
  private readonly streams = new Map<string, RecoveredStream>();
  private loading: Promise<void> | undefined;
  private loaded = false;

  constructor(workDir: string) {
    this.dir = join(workDir, "meta");
    this.journal = new Journal(join(this.dir, "journal.jsonl"), { schema: JournalRecordSchema, snapshot: () => this.snapshot() });
    this.updates = {
      append: (key, record) => this.appendUpdate(key, record),
      remove: (key) => this.closeStream(key),
      readAll: async () => {
        await this.load();
        return [...this.streams.values()].map((s) => ({ key: s.key, records: [...s.records] }));
      },
    };
  }

  // ---- identity and persisted resources: rare, each its own atomic file ------------------------

  readAgent(): Promise<AgentIdentity | undefined> {
    return readJsonFile(join(this.dir, "agent.json"), AgentIdentitySchema);
  }

  async readAgentId(): Promise<string | undefined> {
    return (await this.readAgent())?.agent_id.value;
  }

  writeAgentId(agentId: string, info?: Record<string, unknown>): Promise<void> {
    return writeJsonAtomic(join(this.dir, "agent.json"), { agent_id: { value: agentId }, ...(info ? { info } : {}) });
  }

  /** Forgets the id (the master removed this agent): the next start registers anew. */
  async clearAgentId(): Promise<void> {
    await rm(join(this.dir, "agent.json"), { force: true });
  }

  writeCheckpointedResources(resources: unknown[]): Promise<void> {
    return writeJsonAtomic(join(this.dir, "resources.json"), resources);
  }

  readCheckpointedResources(): Promise<unknown[] | undefined> {
    return readJsonFile(join(this.dir, "resources.json"), CheckpointedResourcesSchema);
  }

  // ---- tasks -----------------------------------------------------------------------------------

  /** Every task checkpointed and not removed; a corrupt journal rejects with CheckpointError naming file and line. */
  async readTasks(): Promise<TaskCheckpoint[]> {
    await this.load();
    return [...this.tasks.values()];
  }

  /** Checkpoints (or replaces) what the agent knows about a task. */
  writeTask(cp: TaskCheckpoint): Promise<void> {
    const copy = { ...cp };
    return this.append({ type: "TASK", task: copy }, () => this.tasks.set(keyOf(cp.frameworkId, cp.task.task_id.value), copy));
  }

  /** The task is over and fully acknowledged: forget it. */
  removeTask(frameworkId: string, taskId: string): Promise<void> {
    return this.append({ type: "TASK_REMOVED", framework_id: frameworkId, task_id: taskId }, () => this.tasks.delete(keyOf(frameworkId, taskId)));
  }

  /** Loads the journal (once): replays it and rewrites it to the state it describes. */
  load(): Promise<void> {
    this.loading ??= (async () => {
      const records = await this.journal.read();
      // No journal yet: an agent from before it may have left the old per-task files.
      const legacy = records.length === 0 ? await readLegacyLayout(this.dir) : undefined;
      for (const r of records) this.apply(r);
      for (const cp of legacy?.tasks ?? []) this.tasks.set(keyOf(cp.frameworkId, cp.task.task_id.value), cp);
      for (const s of legacy?.streams ?? []) this.streams.set(keyOf(s.key.frameworkId, s.key.taskId), s);
      await this.journal.open();
      if (legacy) await removeLegacyLayout(this.dir);
      this.loaded = true;
    })();
    return this.loading;
  }

  /** Writes what is queued and closes the journal. */
  async close(): Promise<void> {
    if (this.loading) await this.loading.catch(() => undefined);
    await this.journal.close();
  }

  private appendUpdate(key: StreamKey, record: UpdateLogRecord): Promise<void> {
    const r: JournalRecord =
      record.type === "UPDATE"
        ? { type: "UPDATE", update: record.update }
        : { type: "ACK", framework_id: key.frameworkId, task_id: key.taskId, uuid: record.uuid };
    return this.append(r, () => this.apply(r));
  }

  private closeStream(key: StreamKey): Promise<void> {
    const r: JournalRecord = { type: "STREAM_CLOSED", framework_id: key.frameworkId, task_id: key.taskId };
    return this.append(r, () => this.apply(r));
  }

  /** Changes the state and queues the record in the same turn, so the journal order is the call order. */
  private append(record: JournalRecord, change: () => void): Promise<void> {
    if (!this.loaded) {
      return this.load().then(() => {
        change();
        return this.journal.append(record);
      });
    }
    change();
    return this.journal.append(record);
  }

  /** Replays one record; replaying one twice changes nothing (a compaction may hold a record still queued). */
  private apply(r: JournalRecord): void {
    switch (r.type) {
      case "TASK": {
        const cp = r.task;
        this.tasks.set(keyOf(cp.frameworkId, cp.task.task_id.value), cp);
        return;
      }
      case "TASK_REMOVED":
        this.tasks.delete(keyOf(r.framework_id, r.task_id));
        return;
      case "UPDATE": {
        const update = r.update;
        const key = { frameworkId: update.framework_id.value, taskId: update.status.task_id.value };
        const k = keyOf(key.frameworkId, key.taskId);
        let s = this.streams.get(k);
        if (!s) this.streams.set(k, (s = { key, records: [] }));
        if (!s.records.some((x) => x.type === "UPDATE" && x.update.uuid === update.uuid)) s.records.push({ type: "UPDATE", update });
        return;
      }
      case "ACK": {
        const s = this.streams.get(keyOf(r.framework_id, r.task_id));
        if (s && !s.records.some((x) => x.type === "ACK" && x.uuid === r.uuid)) s.records.push({ type: "ACK", uuid: r.uuid });
        return;
      }
      case "STREAM_CLOSED":
        this.streams.delete(keyOf(r.framework_id, r.task_id));
        return;
    }
  }

  private snapshot(): JournalRecord[] {
    const out: JournalRecord[] = [];
    for (const cp of this.tasks.values()) out.push({ type: "TASK", task: cp });
    for (const s of this.streams.values()) {
      for (const x of s.records) {
        out.push(
          x.type === "UPDATE"
            ? { type: "UPDATE", update: x.update }
            : { type: "ACK", framework_id: s.key.frameworkId, task_id: s.key.taskId, uuid: x.uuid },
        );
      }
    }
    return out;
  }
}
