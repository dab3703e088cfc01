import { mkdir, open, realpath, stat } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, sep } from "node:path";
import type { LaunchPlan } from "../../../hooks/containerizer.js";
import { CommandError } from "./command.js";

/**
 * Checks a plan's bind mounts and creates their mount points: a relative target is inside the
 * sandbox (created to match the source: directory or file); an absolute one must already exist.
 * Returns the mounts with absolute paths.
 */
export async function prepareMounts(plan: LaunchPlan, sandbox: string): Promise<LaunchPlan["mounts"]> {
  const out: LaunchPlan["mounts"] = [];
  for (const [i, m] of plan.mounts.entries()) {
    const at = `plan.mounts[${i}]`;
    if (!isAbsolute(m.source)) throw new CommandError(`${at}.source "${m.source}": must be an absolute path`);
    const src = await stat(m.source).catch(() => undefined);
    if (!src) throw new CommandError(`${at}.source "${m.source}": does not exist`);
    let target: string;
    if (isAbsolute(m.target)) {
      const t = await stat(m.target).catch(() => undefined);
      if (!t) throw new CommandError(`${at}.target "${m.target}": does not exist (only targets inside the sandbox are created)`);
      if (t.isDirectory() !== src.isDirectory()) throw new CommandError(`${at}: cannot mount a ${kind(src.isDirectory())} on a ${kind(t.isDirectory())}`);
      target = m.target;
    } else {
      if (m.target.split("/").includes("..")) throw new CommandError(`${at}.target "${m.target}": ".." is not allowed`);
      target = join(sandbox, m.target);
      await mkdir(src.isDirectory() ? target : dirname(target), { recursive: true });
      if (!src.isDirectory()) await (await open(target, "a")).close();
      // A symlink in the sandbox must not carry the mount point out of it.
      const [realBox, realTarget] = await Promise.all([realpath(sandbox), realpath(target)]);
      const rel = relative(realBox, realTarget);
      if (rel.startsWith(`..${sep}`) || rel === ".." || isAbsolute(rel)) throw new CommandError(`${at}.target "${m.target}": leads outside the sandbox`);
      target = realTarget;
    }
    out.push({ source: m.source, target, readOnly: m.readOnly });
  }
  return out;
}

const kind = (dir: boolean) => (dir ? "directory" : "file");
