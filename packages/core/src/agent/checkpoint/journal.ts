import { constants } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import type { z } from "zod";
import { parseJson, readCheckpointText, writeFileAtomic } from "./atomic-file.js";

export interface JournalOptions<R> {
  /** Checks each line read back (a file on disk is untrusted input); what it accepts must be an R. */
  schema: z.ZodType;
  /** The records that rebuild the current state, for compaction: they replace the whole file. */
  snapshot: () => R[];
  /** Compact once the file holds this many bytes more than the last snapshot did (default 8 MiB). */
  compactAfterBytes?: number;
}

interface Waiter {
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * An append-only file of JSON lines with group commit: every record appended while the previous
 * write is on its way, or in the same turn of the event loop, goes to disk in one write, and each
 * `append` resolves only once its record is durable. The file is open with O_DSYNC, so that one
 * write is as durable as a write and an fdatasync, for one trip to the thread pool instead of two. Hand-written: no library
 * does group commit over a plain file, and the agent's records are few kinds of small JSON.
 *
 * Replaying it drops a last line a crash cut short (it was never acknowledged to anyone); any other
 * bad line is a CheckpointError naming the file and line. When it has grown well past the state it
 * describes, it is rewritten from `snapshot()` atomically (writeFileAtomic: temp file, fsync, rename, fsync dir).
 */
export class Journal<R> {
  private fh: FileHandle | undefined;
  private queue: string[] = [];
  private waiters: Waiter[] = [];
  private scheduled = false;
  /** The write, fsync or compaction in progress; the next group waits for it. */
  private busy: Promise<void> | undefined;
  /** Bytes known to be on disk, so a failed write can be cut off instead of leaving half a line. */
  private size = 0;
  private snapshotSize = 0;
  private readonly compactAfterBytes: number;
  private closed = false;

  constructor(
    readonly path: string,
    private readonly opts: JournalOptions<R>,
  ) {
    this.compactAfterBytes = opts.compactAfterBytes ?? 8 * 1024 * 1024;
  }

  /** Reads every record in the file, oldest first; none when it does not exist yet. */
  async read(): Promise<R[]> {
    const text = await readCheckpointText(this.path);
    if (text === undefined) return [];
    const rows = text.split("\n");
    rows.pop(); // "" after the last newline, or a line a crash cut short
    return rows.map((row, i) => parseJson(`${this.path}:${i + 1}`, row, this.opts.schema) as R);
  }

  /**
   * Starts appending: first rewrites the file from `snapshot()` (which drops a torn last line and
   * everything the state no longer needs). Records appended before this are written after it.
   */
  open(): Promise<void> {
    return this.exclusive(async () => {
      await this.compact();
    });
  }

  /** Queues a record; resolves once it is on disk, rejects if it could not be written. */
  append(record: R): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`checkpoint ${this.path}: closed`));
    this.queue.push(`${JSON.stringify(record)}\n`);
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    this.schedule();
    return done;
  }

  /** Waits for what was appended so far to be written, then closes the file. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.busy || this.queue.length > 0 || this.scheduled) await (this.busy ?? new Promise((r) => setImmediate(r)));
    await this.fh?.close();
    this.fh = undefined;
  }

  private schedule(): void {
    if (this.scheduled || this.busy || !this.fh) return;
    this.scheduled = true;
    // setImmediate, not a microtask: everything the current turn appends joins the group.
    setImmediate(() => {
      this.scheduled = false;
      if (this.queue.length > 0) void this.exclusive(() => this.flush());
    });
  }

  private async exclusive(step: () => Promise<void>): Promise<void> {
    while (this.busy) await this.busy;
    const run = step();
    this.busy = run.catch(() => undefined);
    try {
      await run;
    } finally {
      this.busy = undefined;
      this.schedule();
    }
  }

  private async flush(): Promise<void> {
    const bytes = Buffer.from(this.queue.join(""));
    const waiters = this.waiters;
    this.queue = [];
    this.waiters = [];
    const fh = this.fh!;
    try {
      // O_DSYNC: each write returns once its data (and the size that reaches it) is on disk.
      for (let at = 0; at < bytes.length; ) at += (await fh.write(bytes, at, bytes.length - at)).bytesWritten;
      this.size += bytes.length;
    } catch (err) {
      // Cut off what may have reached the file, so the next group does not follow half a line.
      await fh.truncate(this.size).catch(() => undefined);
      for (const w of waiters) w.reject(err);
      return;
    }
    for (const w of waiters) w.resolve();
    if (this.size - this.snapshotSize > this.compactAfterBytes) await this.compact().catch(() => undefined);
  }

  private async compact(): Promise<void> {
    // Taken now, while nothing is queued unwritten: the snapshot is exactly what is on disk.
    const text = this.opts.snapshot().map((r) => `${JSON.stringify(r)}\n`).join("");
    await writeFileAtomic(this.path, text);
    const fh = await open(this.path, constants.O_WRONLY | constants.O_APPEND | constants.O_DSYNC);
    await this.fh?.close();
    this.fh = fh;
    this.size = this.snapshotSize = Buffer.byteLength(text);
  }
}
