// Starts a running task's health check, if its TaskInfo has one, wired to status updates and kills.
import type { Logger } from "pino";
import * as m from "../../api/mesos/index.js";
import type { TaskRecord } from "../tasks/task-record.js";
import { HealthChecker, healthPolicy } from "./health-checker.js";
import { probeFor } from "./probes.js";

// Mesos's default PATH for tasks whose command does not set one.
const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export interface TaskHealthDeps {
  log: Logger;
  /** TASK_RUNNING with `healthy` (reason REASON_TASK_HEALTH_CHECK_STATUS_UPDATED). */
  report(rec: TaskRecord, healthy: boolean, message: string): Promise<void>;
  /** Too many consecutive failures: kill the task under its kill policy. */
  kill(rec: TaskRecord, message: string): Promise<void>;
}

/** The checker for `rec`, started; undefined when the task has no health check (or a malformed one, logged). */
export function startTaskHealth(rec: TaskRecord, d: TaskHealthDeps): HealthChecker | undefined {
  const raw = (rec.task as { health_check?: unknown }).health_check;
  if (raw === undefined || raw === null) return undefined;
  const where = `task ${rec.task.task_id.value}: health_check`;
  const parsed = m.HealthCheck.safeParse(raw);
  if (!parsed.success) {
    d.log.warn({ taskId: rec.task.task_id.value, err: parsed.error.message }, `${where} is malformed; not checked`);
    return undefined;
  }
  let probe;
  try {
    const env: Record<string, string> = { PATH: DEFAULT_PATH, ...(rec.sandbox !== undefined && { MESOS_SANDBOX: rec.sandbox }), MESOS_TASK_ID: rec.task.task_id.value };
    const vars = (rec.task.command as { environment?: { variables?: Array<{ name: string; value?: string }> } } | undefined)?.environment?.variables;
    for (const v of vars ?? []) env[v.name] = v.value ?? "";
    probe = probeFor(parsed.data, { ...(rec.sandbox !== undefined && { cwd: rec.sandbox }), env }, where);
  } catch (e) {
    d.log.warn({ taskId: rec.task.task_id.value, err: e instanceof Error ? e.message : String(e) }, "health check not started");
    return undefined;
  }
  const fail = (what: string) => (e: unknown) => d.log.warn({ taskId: rec.task.task_id.value, err: e instanceof Error ? e.message : String(e) }, what);
  const checker = new HealthChecker(healthPolicy(parsed.data), probe, {
    onHealthChanged: (healthy, message) => {
      if (rec.terminated || rec.kill || rec.state !== "TASK_RUNNING") return;
      d.report(rec, healthy, message).catch(fail("health status update failed"));
    },
    onUnhealthy: (message) => {
      d.log.warn({ taskId: rec.task.task_id.value }, message);
      d.kill(rec, message).catch(fail("killing an unhealthy task failed"));
    },
  });
  checker.start();
  return checker;
}
