import type { TaskInfoJson } from "../api/agent-protocol/common.js";
import { Resources } from "../resources/index.js";

/** Default grace period between SIGTERM and SIGKILL (Mesos: 3 s). */
export const DEFAULT_KILL_GRACE_MS = 3000;

/** A task the agent cannot run; `message` names the field, e.g. `task.command.value: required ...`. */
export class TaskValidationError extends Error {
  override readonly name = "TaskValidationError";
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Checks what the agent needs before it spends anything on a task: resources that parse and are
 * not empty, and something to run (a command, or a container a containerizer can run).
 * Returns the parsed resources.
 * @throws TaskValidationError naming the offending field under `where`.
 */
export function validateTask(task: TaskInfoJson, where = "task"): Resources {
  let resources: Resources;
  try {
    resources = Resources.fromJSON(task.resources, `${where}.resources`);
  } catch (err) {
    throw new TaskValidationError((err as Error).message);
  }
  if (resources.isEmpty()) throw new TaskValidationError(`${where}.resources: task uses no resources`);

  if (task.executor !== undefined) {
    throw new TaskValidationError(`${where}.executor: custom executors are not supported by this agent; give command or container`);
  }
  if (task.command === undefined && task.container === undefined) {
    throw new TaskValidationError(`${where}: needs command or container, has neither`);
  }
  if (task.command !== undefined) validateCommand(task.command, `${where}.command`, task.container !== undefined);
  if (task.kill_policy !== undefined) killGraceMs(task.kill_policy, `${where}.kill_policy`);
  return resources;
}

function validateCommand(cmd: Record<string, unknown>, where: string, hasContainer: boolean): void {
  if (cmd.shell !== undefined && typeof cmd.shell !== "boolean") throw new TaskValidationError(`${where}.shell: expected boolean`);
  if (cmd.value !== undefined && typeof cmd.value !== "string") throw new TaskValidationError(`${where}.value: expected string`);
  const value = (cmd.value as string | undefined)?.trim() ?? "";
  // A container image may bring its own entrypoint; a plain command needs something to run.
  if (value === "" && !hasContainer) {
    const shell = cmd.shell === false ? "false" : "true";
    throw new TaskValidationError(`${where}.value: required (the command to run) when shell is ${shell}, got none`);
  }
  if (cmd.arguments !== undefined) {
    if (!Array.isArray(cmd.arguments)) throw new TaskValidationError(`${where}.arguments: expected an array of strings`);
    cmd.arguments.forEach((a, i) => {
      if (typeof a !== "string") throw new TaskValidationError(`${where}.arguments[${i}]: expected string`);
    });
  }
  const env = cmd.environment;
  if (env !== undefined) {
    const vars = isObj(env) ? env.variables : undefined;
    if (vars !== undefined && !Array.isArray(vars)) throw new TaskValidationError(`${where}.environment.variables: expected an array`);
    (vars ?? []).forEach((v: unknown, i: number) => {
      const at = `${where}.environment.variables[${i}]`;
      if (!isObj(v) || typeof v.name !== "string" || v.name === "") throw new TaskValidationError(`${at}.name: required`);
      if (v.type !== undefined && v.type !== "VALUE") throw new TaskValidationError(`${at}.type: only VALUE is supported, got ${String(v.type)}`);
      if (v.value !== undefined && typeof v.value !== "string") throw new TaskValidationError(`${at}.value: expected string`);
    });
  }
}

/** Grace period of a Mesos KillPolicy (`grace_period.nanoseconds`), in ms. */
export function killGraceMs(policy: unknown, where = "kill_policy"): number {
  if (!isObj(policy) || policy.grace_period === undefined) return DEFAULT_KILL_GRACE_MS;
  const gp = policy.grace_period;
  const ns = isObj(gp) ? gp.nanoseconds : undefined;
  const n = typeof ns === "string" && /^\d+$/.test(ns) ? Number(ns) : ns;
  if (typeof n !== "number" || !Number.isFinite(n) || n < 0) {
    throw new TaskValidationError(`${where}.grace_period.nanoseconds: expected a non-negative number, got ${JSON.stringify(ns)}`);
  }
  return Math.round(n / 1e6);
}

/** The task's CommandInfo environment as a plain map. */
export function commandEnv(task: TaskInfoJson): Record<string, string> {
  const env: Record<string, string> = {};
  const vars = (task.command as { environment?: { variables?: Array<{ name: string; value?: string }> } } | undefined)?.environment
    ?.variables;
  for (const v of vars ?? []) env[v.name] = v.value ?? "";
  return env;
}
