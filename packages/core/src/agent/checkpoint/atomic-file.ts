import { randomBytes } from "node:crypto";
import { mkdir, open, readdir, readFile, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { z } from "zod";
import { parseStoredJson } from "../../modules/zod-issues.js";

/** A checkpoint file that cannot be read back; the message names the file. */
export class CheckpointError extends Error {
  override readonly name = "CheckpointError";

  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(`checkpoint ${path}: ${detail}`);
  }
}

/** Temp files of writes a crash interrupted are named like this; recovery ignores and removes them. */
export const isTempFile = (name: string): boolean => name.startsWith(".") && name.includes(".tmp-");

/**
 * Replaces `path` with `value` as JSON so that a crash at any point leaves either the old file or
 * the new one.
 */
export function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  return writeFileAtomic(path, `${JSON.stringify(value)}\n`);
}

/** Write a temp file beside `path`, fsync it, rename it over `path`, fsync the directory. */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`);
  const fh = await open(tmp, "w", 0o600);
  try {
    await fh.writeFile(text);
    await fh.sync();
  } catch (err) {
    await fh.close();
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await fh.close();
  try {
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await syncDir(dir);
}

/** Makes a rename or a newly created file in `dir` durable. */
export async function syncDir(dir: string): Promise<void> {
  const d = await open(dir, "r");
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}

/** Reads `path` as JSON validated by `schema`; undefined when the file does not exist. */
export async function readJsonFile<S extends z.ZodType>(path: string, schema: S): Promise<z.output<S> | undefined> {
  const text = await readCheckpointText(path);
  return text === undefined ? undefined : parseJson(path, text, schema);
}

/** A checkpoint file's text; undefined when it does not exist yet, a CheckpointError when it cannot be read. */
export async function readCheckpointText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new CheckpointError(path, `unreadable (${(err as Error).message})`);
  }
}

/** Parses checkpoint text; `where` goes into the error (a path, or path:line). */
export function parseJson<S extends z.ZodType>(where: string, text: string, schema: S): z.output<S> {
  return parseStoredJson(text, schema, (problem) => new CheckpointError(where, problem));
}

/** Entries of `dir`, or none when it does not exist yet (nothing was checkpointed there). */
export async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
}
