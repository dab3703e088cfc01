// The checkpoint layout agents wrote before the journal: one file per task and one update log per
// task. Read once, so an agent upgraded in place re-attaches to the tasks it was running.
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import type { StatusUpdate } from "../status-updates/status-update.js";
import type { RecoveredStream, UpdateLogRecord } from "../status-updates/update-log.js";
import type { TaskCheckpoint } from "../tasks/task-record.js";
import { parseJson, readdirOrEmpty, readJsonFile } from "./atomic-file.js";
import { CheckpointedUpdateSchema, TaskCheckpointSchema } from "./schemas.js";

const LegacyUpdateLineSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("UPDATE"), update: CheckpointedUpdateSchema }),
  z.object({ type: z.literal("ACK"), uuid: z.string().min(1) }),
]);

export interface LegacyCheckpoint {
  tasks: TaskCheckpoint[];
  streams: RecoveredStream[];
}

/** `<meta>/tasks/<fid>/<tid>.json` and `<meta>/updates/<fid>/<tid>.updates`; undefined when there are none. */
export async function readLegacyLayout(metaDir: string): Promise<LegacyCheckpoint | undefined> {
  const tasksDir = join(metaDir, "tasks");
  const updatesDir = join(metaDir, "updates");
  const tasks: TaskCheckpoint[] = [];
  for (const f of await readdirOrEmpty(tasksDir)) {
    for (const name of await readdirOrEmpty(join(tasksDir, f))) {
      if (!name.endsWith(".json") || name.startsWith(".")) continue;
      const cp = await readJsonFile(join(tasksDir, f, name), TaskCheckpointSchema);
      if (cp) tasks.push(cp as unknown as TaskCheckpoint);
    }
  }
  const streams: RecoveredStream[] = [];
  for (const f of await readdirOrEmpty(updatesDir)) {
    for (const name of await readdirOrEmpty(join(updatesDir, f))) {
      if (!name.endsWith(".updates")) continue;
      const path = join(updatesDir, f, name);
      const rows = (await readFile(path, "utf8")).split("\n");
      rows.pop(); // "" after the last newline, or a line a crash cut short
      const records = rows.map((row, i) => parseJson(`${path}:${i + 1}`, row, LegacyUpdateLineSchema) as UpdateLogRecord);
      const first = records.find((r) => r.type === "UPDATE") as { update: StatusUpdate } | undefined;
      if (!first) continue;
      streams.push({ key: { frameworkId: first.update.framework_id.value, taskId: first.update.status.task_id.value }, records });
    }
  }
  return tasks.length > 0 || streams.length > 0 ? { tasks, streams } : undefined;
}

/** Removes the old layout once the journal holds what it said. */
export async function removeLegacyLayout(metaDir: string): Promise<void> {
  await rm(join(metaDir, "tasks"), { recursive: true, force: true });
  await rm(join(metaDir, "updates"), { recursive: true, force: true });
}
