import { createRequire } from "node:module";

/** A child that has ended: its exit code, or the signal (number) that killed it. */
export interface Ended {
  pid: number;
  code: number | null;
  signal: number | null;
}

interface Addon {
  spawn(file: string, argv: readonly string[], envp: readonly string[], cwd: string, stdoutPath: string, stderrPath: string): number;
  reap(): Ended[];
}

const require = createRequire(import.meta.url);
let addon: Addon | undefined;

/** Absolute path of the built addon (build/Release/tessera_spawn.node), or undefined if it was not built. */
export function addonPath(): string | undefined {
  try {
    return require.resolve("@tessera/spawn-native/addon");
  } catch {
    return undefined;
  }
}

function load(): Addon {
  if (addon) return addon;
  const path = addonPath();
  if (!path) throw new Error("@tessera/spawn-native: the addon is not built (run `npm rebuild @tessera/spawn-native`; it needs python3, make and a C compiler)");
  return (addon = require(path) as Addon);
}

/**
 * Starts `file` with posix_spawn: its own session and process group (pgid = pid), every signal at
 * its default and none blocked, stdin from /dev/null, stdout and stderr appended to the two files
 * (created 0644), `cwd` as working directory, no other fd of this process, and exactly `envp`
 * ("NAME=value" strings). A bare `file` is looked up in the PATH of `envp`, not of this process.
 * `argv` includes argv[0]. Returns the pid; throws an Error with `code` (ENOENT...), `syscall`
 * (posix_spawn, open, chdir) and `path` when a step fails, e.g. "posix_spawn /no/such: No such file or directory".
 */
export function spawn(file: string, argv: readonly string[], envp: readonly string[], cwd: string, stdoutPath: string, stderrPath: string): number {
  return load().spawn(file, argv, envp, cwd, stdoutPath, stderrPath);
}

/**
 * Every child of this process that has ended since the last call (waitpid(-1, WNOHANG) until none).
 * It reaps all children, so use it only where children are started by spawn() alone, never next to
 * child_process (whose exits it would take); call it on SIGCHLD.
 */
export function reap(): Ended[] {
  return load().reap();
}
