import type { ContainerLaunch } from "../../../hooks/containerizer.js";

/** Mesos's PATH for tasks whose environment sets none. */
export const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** A task the process containerizer cannot run; the message names the field. */
export class CommandError extends Error {
  override readonly name = "CommandError";
}

/** What to exec for a task: `file` with `argv` (argv[0] may differ from file, as execv allows). */
export interface TaskCommand {
  file: string;
  argv: string[];
  env: Record<string, string>;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
// stout's JSON parser treats null as unset.
const given = (v: unknown): boolean => v !== undefined && v !== null;

/**
 * The command of a Mesos TaskInfo: `shell` (default true) runs `sh -c value`; `shell: false` execs
 * `value` with `arguments` as the whole argv (arguments[0] is argv[0]). The environment is
 * CommandInfo's variables, then the plan's (isolators have the last word), then the MESOS_* a task sees.
 */
export function taskCommand(l: ContainerLaunch, shell: string): TaskCommand {
  const where = "task";
  const { task } = l;
  if (isObj(task.container) && (task.container.type === "DOCKER" || isObj(task.container.docker) || (isObj(task.container.mesos) && given(task.container.mesos.image)))) {
    throw new CommandError(`${where}.container: images are not supported by the process containerizer`);
  }
  const cmd: unknown = task.command;
  if (!isObj(cmd)) throw new CommandError(`${where}.command: required (the process containerizer runs commands), got ${cmd === undefined ? "none" : typeof cmd}`);
  if (given(cmd.shell) && typeof cmd.shell !== "boolean") throw new CommandError(`${where}.command.shell: expected boolean, got ${typeof cmd.shell}`);
  if (given(cmd.value) && typeof cmd.value !== "string") throw new CommandError(`${where}.command.value: expected string, got ${typeof cmd.value}`);
  const value = (cmd.value as string | undefined | null) ?? "";
  const useShell = cmd.shell !== false;
  if (value.trim() === "") throw new CommandError(`${where}.command.value: required (the ${useShell ? "shell command" : "executable"} to run), got none`);
  noNul(`${where}.command.value`, value);

  let file: string;
  let argv: string[];
  if (useShell) {
    file = shell;
    argv = [shell, "-c", value];
  } else {
    const args = given(cmd.arguments) ? cmd.arguments : [];
    if (!Array.isArray(args)) throw new CommandError(`${where}.command.arguments: expected an array of strings`);
    args.forEach((a: unknown, i) => {
      if (typeof a !== "string") throw new CommandError(`${where}.command.arguments[${i}]: expected string, got ${a === null ? "null" : typeof a}`);
      noNul(`${where}.command.arguments[${i}]`, a);
    });
    file = value;
    argv = args.length > 0 ? (args as string[]) : [value];
  }

  const env: Record<string, string> = { PATH: DEFAULT_PATH };
  const vars = isObj(cmd.environment) ? cmd.environment.variables : undefined;
  if (given(vars) && !Array.isArray(vars)) throw new CommandError(`${where}.command.environment.variables: expected an array`);
  ((vars ?? []) as unknown[]).forEach((v, i) => {
    const at = `${where}.command.environment.variables[${i}]`;
    if (!isObj(v) || typeof v.name !== "string" || v.name === "") throw new CommandError(`${at}.name: required`);
    if (given(v.type) && v.type !== "VALUE") throw new CommandError(`${at}: ${String(v.type)} variables are not supported by the process containerizer`);
    if (given(v.value) && typeof v.value !== "string") throw new CommandError(`${at}.value: expected string, got ${typeof v.value}`);
    env[v.name] = (v.value as string | undefined | null) ?? "";
  });
  Object.assign(env, l.plan.env, {
    MESOS_SANDBOX: l.sandbox,
    MESOS_TASK_ID: l.taskId,
    MESOS_FRAMEWORK_ID: l.frameworkId,
    MESOS_AGENT_ID: l.agentId,
  });
  for (const [k, v] of Object.entries(env)) {
    if (k.includes("=") || k.includes("\0")) throw new CommandError(`environment variable ${JSON.stringify(k)}: a name may not contain "=" or NUL`);
    noNul(`environment variable ${k}`, v);
  }
  return { file, argv, env };
}

function noNul(what: string, s: string): void {
  if (s.includes("\0")) throw new CommandError(`${what}: contains a NUL byte`);
}
