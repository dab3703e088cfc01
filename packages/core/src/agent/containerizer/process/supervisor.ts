import type { Tools } from "./tools.js";

/** Where the supervisor records the task's status, in the sandbox: one number and a newline. */
export const EXIT_FILE = ".tessera-exit-status";

/** argv[0] of the supervisor, so operators can tell supervisors apart in `ps`. */
export const SUPERVISOR_NAME = "tessera-supervisor";

/**
 * The per-task supervisor: a POSIX shell started detached (its own session), so it outlives the
 * agent. It runs the task chain in the background (the chain starts with setsid: the task gets its
 * own session and process group, whose id is the pid it reports on fd 3), waits for it, kills what
 * is left in the group (as a container ends whole), and writes the status the shell saw (128+N for
 * signal N) to EXIT_FILE. No shell variable is set before the task starts, so none can leak into
 * its environment; SIGPIPE is ignored only after, so a dead agent cannot kill the supervisor.
 */
export const SUPERVISOR_SCRIPT = [
  "exec >>stdout 2>>stderr",
  '"$@" 3>&- &',
  "pid=$!",
  "trap '' PIPE",
  'echo "$pid" >&3',
  "exec 3>&-",
  'wait "$pid"',
  "status=$?",
  'kill -s KILL -- "-$pid" 2>/dev/null',
  `echo "$status" >${EXIT_FILE}`,
].join("\n");

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

const shQuote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

export interface ChainOptions {
  file: string;
  argv: string[];
  netnsPath?: string;
  /** Absolute source and target paths, mount points already created. */
  mounts: Array<{ source: string; target: string; readOnly: boolean }>;
  wrapper?: string[];
  user?: { uid: number; gid: number };
}

/** The argv the supervisor starts: setsid, signal reset, then what the plan asks, then the task. */
export function taskChain(tools: Tools, o: ChainOptions): string[] {
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
  const [argv0, ...args] = o.argv;
  if (argv0 !== undefined && argv0 !== o.file) {
    if (!tools.bash) throw new Error(`process containerizer: argv[0] "${argv0}" differs from "${o.file}", which needs bash (exec -a), not installed`);
    // --posix: no BASH_ENV of the task's is sourced on the way.
    rest.push(tools.bash, "--posix", "-c", 'exec -a "$0" "$@"', argv0, o.file, ...args);
  } else {
    rest.push(o.file, ...args);
  }
  // env takes any leading NAME=VALUE word as an assignment, so such a program goes through exec.
  if (rest[0]?.includes("=")) rest.unshift(tools.sh, "-c", 'exec "$@"', "sh");
  return [tools.setsid, tools.env, "--default-signal", ...rest];
}
