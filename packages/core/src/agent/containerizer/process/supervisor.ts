import type { Tools } from "./tools.js";

/** Where the supervisor records the task's status, in the sandbox: one number and a newline. */
export const EXIT_FILE = ".tessera-exit-status";

/** argv[0] of the launcher, and so of every supervisor forked from it: how operators find them in `ps`. */
export const SUPERVISOR_NAME = "tessera-supervisor";

/**
 * The launcher: one small shell per containerizer that forks a supervisor per request. Forking a
 * 1 MB shell instead of the agent's large Node process keeps launches cheap and the event loop free.
 * Requests are lines of shell the containerizer writes with every value single-quoted. It ignores
 * SIGPIPE (a supervisor must not die writing to a dead agent; env --default-signal gives the task
 * default handlers again) and reaps supervisors with `jobs`. When the agent closes its stdin (or dies)
 * it waits for its supervisors before it exits, so they are reaped by it rather than left to pid 1.
 */
export const LAUNCHER_SCRIPT = ["trap '' PIPE", "nl='", "'", 'while IFS= read -r line; do eval "$line"; jobs >/dev/null; done', "wait"].join("\n");

/** A shell word for any string: single-quoted, newlines spelled "$nl" so a request stays one line. */
export function shQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`).replaceAll("\n", `'"$nl"'`)}'`;
}

/**
 * One request: a supervisor subshell, in the background, that enters the sandbox, sends its stdout
 * and stderr to files there, runs the task chain in the background (setsid first: the task gets its
 * own session and process group, whose id is its pid), reports "<id> <task pid> <own pid> <own start>
 * [<task start>]" on fd 3 (start times from /proc, read here so the agent reads none per launch),
 * waits, kills what is left of the group (a container ends whole), writes the status the shell saw
 * (128+N for signal N) to EXIT_FILE, and reports "<id> exit <status>". A line "<id> ! <why>" means
 * it could not start. The task gets neither fd 3 nor any variable of the supervisor's.
 */
export function supervisorRequest(id: number, sandbox: string, chain: string[]): string {
  const say = (what: string) => `echo "${id} ${what}" >&3`;
  return [
    `(cd ${shQuote(sandbox)} || { ${say("! cannot enter the sandbox")}; exit; }`,
    `command exec >>stdout 2>>stderr || { ${say("! cannot open stdout and stderr in the sandbox")}; exit; }`,
    `${chain.map(shQuote).join(" ")} 3>&- & pid=$!`,
    // Field 22 of /proc/<pid>/stat is the start time; the name in parentheses before it has no spaces for
    // our own shell, and the task's is cut off up to its last ") ".
    'read -r spid rest </proc/self/stat; set -- $rest; sstart=${21}',
    'tstart=; if read -r t </proc/$pid/stat; then set -- ${t##*") "}; tstart=${20}; fi 2>/dev/null',
    say("$pid $spid $sstart $tstart"),
    'wait "$pid"',
    "status=$?",
    'kill -s KILL -- "-$pid" 2>/dev/null',
    `echo "$status" >${EXIT_FILE}`,
    `${say("exit $status")}) &`,
  ].join("; ");
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
 * The argv the supervisor starts: setsid; env with exactly the task's environment and default
 * signal handlers (a shell's background job ignores SIGINT and SIGQUIT); what the plan asks; the task.
 */
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
  const env = Object.entries(o.env).map(([k, v]) => `${k}=${v}`);
  return [tools.setsid, tools.env, "-i", "--default-signal", "--", ...env, ...rest];
}
