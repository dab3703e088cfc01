import { mkdir, readdir, rm, stat, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { NetExec, ScriptStep } from "./net-exec.js";

/** iproute2's directory: namespaces there are also what `ip netns` lists and `ip -n` finds. */
const IPROUTE2_DIRS = new Set(["/var/run/netns", "/run/netns"]);

/**
 * Network namespaces kept alive by a bind mount in one directory, independent of any process
 * (so a namespace exists before the task starts and survives an agent restart).
 */
export class NetnsManager {
  readonly dir: string;

  constructor(
    private readonly exec: NetExec,
    dir: string,
  ) {
    this.dir = resolve(dir);
  }

  pathOf(name: string): string {
    return join(this.dir, name);
  }

  /** Creates the namespace `name`; fails if it exists. Returns its path. */
  async create(name: string): Promise<string> {
    const path = this.pathOf(name);
    if (IPROUTE2_DIRS.has(this.dir)) {
      // ip netns add also makes the directory a shared mount, so other mount namespaces see it.
      await this.exec.ip(["netns", "add", name]);
      return path;
    }
    await mkdir(this.dir, { recursive: true });
    await writeFile(path, "", { flag: "wx" });
    try {
      await this.exec.run("unshare", [`--net=${path}`, "true"]);
    } catch (err) {
      await rm(path, { force: true });
      throw err;
    }
    return path;
  }

  /** The same as `create`, as a script step (so it can share a spawn with the rest of a setup). */
  async createStep(name: string): Promise<ScriptStep> {
    const path = this.pathOf(name);
    if (IPROUTE2_DIRS.has(this.dir)) return { cmd: `ip netns add ${name}` };
    await mkdir(this.dir, { recursive: true });
    return { cmd: `touch ${path} && unshare --net=${path} true` };
  }

  /** The same as `remove`, as a script step; undefined when there is no namespace to unmount. */
  async removeStep(name: string): Promise<ScriptStep | undefined> {
    const path = this.pathOf(name);
    if (!(await this.isNamespace(path))) {
      await rm(path, { force: true });
      return undefined;
    }
    if (IPROUTE2_DIRS.has(this.dir)) return { cmd: `ip netns delete ${name}` };
    return { cmd: `umount -l ${path} && rm -f ${path}` };
  }

  /** Removes the namespace's bind mount; the kernel frees it once no process is left in it. Idempotent. */
  async remove(name: string): Promise<void> {
    const path = this.pathOf(name);
    if (!(await this.isNamespace(path))) {
      await rm(path, { force: true });
      return;
    }
    if (IPROUTE2_DIRS.has(this.dir)) {
      await this.exec.ip(["netns", "delete", name]);
      return;
    }
    await this.exec.run("umount", ["-l", path]);
    await rm(path, { force: true });
  }

  /** Names in the directory that start with `prefix`. */
  async list(prefix: string): Promise<string[]> {
    try {
      return (await readdir(this.dir)).filter((n) => n.startsWith(prefix)).sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw err;
    }
  }

  async exists(name: string): Promise<boolean> {
    return this.isNamespace(this.pathOf(name));
  }

  /** The namespace's inode, as /proc/<pid>/ns/net shows it for a process inside (net:[<inode>]). */
  async inode(name: string): Promise<number | undefined> {
    try {
      return (await stat(this.pathOf(name))).ino;
    } catch {
      return undefined;
    }
  }

  // A bind-mounted namespace file lives on nsfs (device 0, inode of the namespace); an empty
  // placeholder left by a crash is a regular file on the directory's own filesystem.
  private async isNamespace(path: string): Promise<boolean> {
    try {
      const [file, dir] = await Promise.all([stat(path), stat(this.dir)]);
      return file.dev !== dir.dev;
    } catch {
      return false;
    }
  }
}
