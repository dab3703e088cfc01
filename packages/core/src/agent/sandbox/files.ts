import { constants, type Stats } from "node:fs";
import { lstat, open, readdir, readlink, realpath } from "node:fs/promises";
import { isAbsolute, join, relative, sep } from "node:path";
import { ownerNames } from "./users.js";

/** Mesos caps one /files/read at 16 pages. */
export const MAX_READ_BYTES = 16 * 4096;

/** A refused or failed sandbox file request; `status` is the HTTP answer it maps to. */
export class SandboxError extends Error {
  override readonly name = "SandboxError";

  constructor(
    readonly status: 400 | 403 | 404,
    message: string,
  ) {
    super(message);
  }
}

/** One /files/browse entry, as Mesos's jsonFileInfo. */
export interface SandboxFileInfo {
  /** `base` joined with the path inside the sandbox. */
  path: string;
  nlink: number;
  size: number;
  /** Seconds since the epoch. */
  mtime: number;
  /** As `ls -l` prints it, e.g. "drwxr-xr-x". */
  mode: string;
  uid: string;
  gid: string;
}

/**
 * Mesos /files/read on a file inside `root`: `offset` -1 answers the size with no data; otherwise up
 * to `length` bytes (default: to the end, at most MAX_READ_BYTES) from `offset`. An offset at or
 * past the end answers the size with no data.
 */
export async function readSandboxFile(
  root: string,
  relPath: string,
  offset = -1,
  length?: number,
): Promise<{ data: string; offset: number }> {
  if (!Number.isSafeInteger(offset) || offset < -1) throw new SandboxError(400, `offset: must be an integer >= -1, got ${offset}`);
  if (length !== undefined && (!Number.isSafeInteger(length) || length < 0)) {
    throw new SandboxError(400, `length: must be an integer >= 0, got ${length}`);
  }
  const { real, realRoot } = await resolveInside(root, relPath);
  let fh;
  try {
    // O_NONBLOCK: a FIFO a task left in its sandbox must not hang the agent.
    fh = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    throw fsError(relPath, err);
  }
  try {
    // The checked path could have been swapped for a symlink since; check what was really opened.
    if (!inside(realRoot, await readlink(`/proc/self/fd/${fh.fd}`))) throw escapeError(relPath);
    const st = await fh.stat();
    if (st.isDirectory()) throw new SandboxError(400, `sandbox path "${relPath}": cannot read a directory`);
    if (!st.isFile()) throw new SandboxError(400, `sandbox path "${relPath}": not a regular file`);
    const size = st.size;
    if (offset === -1 || offset >= size) return { data: "", offset: size };
    const n = Math.min(length ?? size - offset, size - offset, MAX_READ_BYTES);
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, offset);
    return { data: buf.toString("utf8", 0, bytesRead), offset };
  } finally {
    await fh.close();
  }
}

/**
 * Mesos /files/browse: the entries of a directory inside `root` (or the file itself), ordered by
 * path. Entries are not followed (lstat), so a symlink to somewhere else reveals nothing about it.
 * `base` is what entry paths start with (the virtual path the client asked for); defaults to the
 * path inside the sandbox.
 */
export async function browse(root: string, relPath: string, base?: string): Promise<SandboxFileInfo[]> {
  const { real } = await resolveInside(root, relPath);
  const names = ownerNames();
  const prefix = base ?? relPath;
  const at = (name: string) => (prefix === "" ? name : `${prefix.replace(/\/+$/, "")}/${name}`);
  const st = await lstat(real).catch((err) => Promise.reject(fsError(relPath, err)));
  if (!st.isDirectory()) return [fileInfo(base ?? relPath, st, names)];
  const out: SandboxFileInfo[] = [];
  for (const name of (await readdir(real)).sort()) {
    try {
      out.push(fileInfo(at(name), await lstat(join(real, name)), names));
    } catch {
      // Removed between readdir and lstat: it is simply not there any more.
    }
  }
  return out;
}

/** The real path of `relPath` under `root`, refusing anything that leads outside it. */
export async function resolveInside(root: string, relPath: string): Promise<{ real: string; realRoot: string }> {
  if (typeof relPath !== "string") throw new SandboxError(400, "sandbox path: expected a string");
  if (relPath.includes("\0")) throw new SandboxError(400, `sandbox path ${JSON.stringify(relPath)}: contains a NUL byte`);
  if (isAbsolute(relPath)) throw new SandboxError(400, `sandbox path "${relPath}": must be relative to the sandbox, got an absolute path`);
  const segments = relPath.split("/");
  const dotdot = segments.indexOf("..");
  if (dotdot >= 0) throw new SandboxError(400, `sandbox path "${relPath}": ".." is not allowed (segment ${dotdot + 1})`);
  let realRoot: string;
  try {
    realRoot = await realpath(root);
  } catch {
    throw new SandboxError(404, `sandbox ${root} does not exist`);
  }
  let real: string;
  try {
    real = await realpath(join(realRoot, relPath));
  } catch (err) {
    throw fsError(relPath, err);
  }
  if (!inside(realRoot, real)) throw escapeError(relPath);
  return { real, realRoot };
}

function inside(root: string, path: string): boolean {
  if (path === root) return true;
  const rel = relative(root, path);
  return rel !== "" && !rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel);
}

function escapeError(relPath: string): SandboxError {
  return new SandboxError(403, `sandbox path "${relPath}": leads outside the sandbox (through a symlink)`);
}

function fsError(relPath: string, err: unknown): SandboxError | Error {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "ENOENT" || code === "ENOTDIR") return new SandboxError(404, `sandbox path "${relPath}": no such file or directory`);
  if (code === "ELOOP") return new SandboxError(403, `sandbox path "${relPath}": is a symlink loop`);
  if (code === "EACCES" || code === "EPERM") return new SandboxError(403, `sandbox path "${relPath}": permission denied`);
  return err instanceof Error ? err : new Error(String(err));
}

function fileInfo(path: string, st: Stats, names: ReturnType<typeof ownerNames>): SandboxFileInfo {
  return {
    path,
    nlink: st.nlink,
    size: st.size,
    mtime: Math.floor(st.mtimeMs / 1000),
    mode: modeString(st.mode),
    uid: names.user(st.uid),
    gid: names.group(st.gid),
  };
}

/** `ls -l` permissions text; hand-written because Node has no strmode. */
export function modeString(mode: number): string {
  const type = (mode & constants.S_IFMT) as number;
  const kind =
    type === constants.S_IFDIR ? "d"
    : type === constants.S_IFLNK ? "l"
    : type === constants.S_IFIFO ? "p"
    : type === constants.S_IFSOCK ? "s"
    : type === constants.S_IFCHR ? "c"
    : type === constants.S_IFBLK ? "b"
    : "-";
  const triplet = (shift: number, special: number, char: string) => {
    const r = mode & (4 << shift) ? "r" : "-";
    const w = mode & (2 << shift) ? "w" : "-";
    const x = mode & (1 << shift);
    const s = mode & special;
    return r + w + (s ? (x ? char : char.toUpperCase()) : x ? "x" : "-");
  };
  return kind + triplet(6, 0o4000, "s") + triplet(3, 0o2000, "s") + triplet(0, 0o1000, "t");
}
