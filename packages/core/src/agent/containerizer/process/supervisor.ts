import type { Tools } from "./tools.js";

/** Where the launcher records the task's status, in the sandbox: one number and a newline. */
export const EXIT_FILE = ".tessera-exit-status";

/** argv[0] of the launcher, the tasks' supervisor: how operators find it in `ps`. */
export const SUPERVISOR_NAME = "tessera-supervisor";

/** One request to the launcher (see LAUNCHER_SOURCE): a JSON line. */
export function launchRequest(id: number, sandbox: string, run: TaskExec): string {
  return JSON.stringify({ id, sandbox, file: run.file, argv0: run.argv0, args: run.args, env: run.env });
}

/** What the launcher spawns: `file` with argv `[argv0, ...args]` and exactly `env`. */
export interface TaskExec {
  file: string;
  argv0: string;
  args: string[];
  env: Record<string, string>;
}

/** A shell word for any string, single-quoted (for the mount script). */
function shQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

/** Bind mounts inside a private mount namespace, then exec the rest; positional only, no variables. */
const mountScript = (mount: string) =>
  [
    'while [ "$1" != -- ]; do',
    `  ${shQuote(mount)} --bind "$1" "$2" || exit 125`,
    `  if [ "$3" = ro ]; then ${shQuote(mount)} -o remount,bind,ro "$2" || exit 125; fi`,
    "  shift 3",
    "done",
    "shift",
    'exec "$@"',
  ].join("\n");

export interface ChainOptions {
  file: string;
  argv: string[];
  env: Record<string, string>;
  netnsPath?: string;
  /** Absolute source and target paths, mount points already created. */
  mounts: Array<{ source: string; target: string; readOnly: boolean }>;
  wrapper?: string[];
  user?: { uid: number; gid: number };
}

/**
 * What the launcher execs for a task: what the plan asks (network namespace, mounts, wrapper,
 * another user), then the task. The launcher itself gives it its own session, default signal
 * handlers and exactly `env`.
 */
export function taskChain(tools: Tools, o: ChainOptions): TaskExec {
  const need = (tool: keyof Tools, why: string): string => {
    const p = tools[tool];
    if (!p) throw new Error(`process containerizer: ${why} needs ${tool} (util-linux), which is not installed`);
    return p;
  };
  const rest: string[] = [];
  if (o.netnsPath !== undefined) rest.push(need("nsenter", "plan.netnsPath"), `--net=${o.netnsPath}`, "--");
  if (o.mounts.length > 0) {
    const script = mountScript(need("mount", "plan.mounts"));
    rest.push(need("unshare", "plan.mounts"), "--mount", "--propagation", "private", "--", tools.sh, "-c", script, "tessera-mounts");
    for (const m of o.mounts) rest.push(m.source, m.target, m.readOnly ? "ro" : "rw");
    rest.push("--");
  }
  if (o.wrapper) rest.push(...o.wrapper);
  if (o.user) rest.push(need("setpriv", "running as another user"), `--reuid=${o.user.uid}`, `--regid=${o.user.gid}`, "--init-groups", "--");
  const [argv0 = o.file, ...args] = o.argv;
  // Nothing in front: the launcher execs the task itself, argv[0] and all.
  if (rest.length === 0) return { file: o.file, argv0, args, env: o.env };
  if (argv0 !== o.file) {
    if (!tools.bash) throw new Error(`process containerizer: argv[0] "${argv0}" differs from "${o.file}", which needs bash (exec -a), not installed`);
    // --posix: no BASH_ENV of the task's is sourced on the way.
    rest.push(tools.bash, "--posix", "-c", 'exec -a "$0" "$@"', argv0, o.file, ...args);
  } else {
    rest.push(o.file, ...args);
  }
  return { file: rest[0]!, argv0: rest[0]!, args: rest.slice(1), env: o.env };
}
