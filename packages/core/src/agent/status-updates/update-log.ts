import { open, readFile, rm, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { readdirOrEmpty } from "../checkpoint/index.js";
import { pathSegment } from "../meta/path-segment.js";
import type { StatusUpdate } from "./status-update.js";

/** One line of a task's update log: an update the agent generated, or the master's acknowledgement of one. */
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
 * Durable per-task log of status updates and acknowledgements, one JSON line per record.
 * An append-only log (as Mesos's `task.updates`) keeps each write small and never rewrites
 * what is already on disk; a torn last line from a crash is dropped on read.
 */
export class UpdateLog {
  constructor(private readonly dir: string) {}

  private fileOf(key: StreamKey): string {
    return join(this.dir, pathSegment(key.frameworkId), `${pathSegment(key.taskId)}.updates`);
  }

  async append(key: StreamKey, record: UpdateLogRecord): Promise<void> {
    const file = this.fileOf(key);
    await mkdir(join(this.dir, pathSegment(key.frameworkId)), { recursive: true });
    const fh = await open(file, "a");
    try {
      await fh.appendFile(JSON.stringify(record) + "\n");
      await fh.sync();
    } finally {
      await fh.close();
    }
  }

  async remove(key: StreamKey): Promise<void> {
    await rm(this.fileOf(key), { force: true });
  }

  async readAll(): Promise<RecoveredStream[]> {
    const streams: RecoveredStream[] = [];
    for (const fdir of await readdirOrEmpty(this.dir)) {
      for (const name of await readdirOrEmpty(join(this.dir, fdir))) {
        if (!name.endsWith(".updates")) continue;
        const key = {
          frameworkId: decodeURIComponent(fdir),
          taskId: decodeURIComponent(name.slice(0, -".updates".length)),
        };
        const text = await readFile(join(this.dir, fdir, name), "utf8");
        streams.push({ key, records: parseRecords(text) });
      }
    }
    return streams;
  }
}

function parseRecords(text: string): UpdateLogRecord[] {
  const records: UpdateLogRecord[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      records.push(JSON.parse(line) as UpdateLogRecord);
    } catch {
      break; // a torn write can only be the last line; nothing after it was ever acknowledged
    }
  }
  return records;
}
