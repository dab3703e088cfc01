import { constants } from "node:fs";
import { mkdir, open, readFile, unlink } from "node:fs/promises";
import { dirname } from "node:path";
import { parseJson, syncDir, writeFileAtomic } from "./atomic-file.js";
import { UpdateLogLineSchema, type CheckpointedUpdate, type UpdateLogLine } from "./schemas.js";

/**
 * One task's status updates as an append-only log of JSON lines ("update" and "ack" records, as
 * Mesos's task.updates): appending is one small write and an fsync, never a rewrite. Replaying it
 * gives the updates not yet acknowledged, in the order they were generated.
 */
export class UpdateLogFile {
  constructor(readonly path: string) {}

  async append(line: UpdateLogLine): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const fh = await open(this.path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, 0o600);
    try {
      const created = (await fh.stat()).size === 0;
      await fh.write(`${JSON.stringify(line)}\n`);
      await fh.sync();
      if (created) await syncDir(dirname(this.path));
    } finally {
      await fh.close();
    }
  }

  /**
   * The unacknowledged updates. A last line without its newline is a write a crash cut short: it
   * was never acknowledged to anyone, so it is dropped; any other bad line is an error naming it.
   */
  async pending(): Promise<{ updates: CheckpointedUpdate[]; torn: boolean; lines: number }> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return { updates: [], torn: false, lines: 0 };
      throw err;
    }
    const rows = text.split("\n");
    const torn = rows.pop() !== "";
    const pending = new Map<string, CheckpointedUpdate>();
    rows.forEach((row, i) => {
      const line = parseJson(`${this.path}:${i + 1}`, row, UpdateLogLineSchema);
      if (line.type === "update") {
        if (!pending.has(line.update.uuid)) pending.set(line.update.uuid, line.update);
      } else {
        pending.delete(line.uuid);
      }
    });
    return { updates: [...pending.values()], torn, lines: rows.length };
  }

  /** Rewrites the log to hold only `updates` (or removes it when there are none). */
  async compact(updates: CheckpointedUpdate[]): Promise<void> {
    if (updates.length === 0) {
      await unlink(this.path).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== "ENOENT") throw err;
      });
      return;
    }
    await writeFileAtomic(this.path, updates.map((update) => `${JSON.stringify({ type: "update", update })}\n`).join(""));
  }
}
