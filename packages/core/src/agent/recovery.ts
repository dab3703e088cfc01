import type { Logger } from "pino";
import type { AgentHooks, CheckpointedContainer, Containerizer, RecoveredContainer } from "../hooks/index.js";
import { Resources } from "../resources/index.js";
import type { AgentCheckpoint } from "./checkpoint/agent-checkpoint.js";
import type { StatusUpdateManager } from "./status-updates/status-update-manager.js";
import { newTaskRecord, type TaskCheckpoint, type TaskRecord, type TaskTable } from "./tasks/task-record.js";
import type { TaskLauncher } from "./tasks/task-launcher.js";

export interface RecoveryDeps {
  checkpoint: AgentCheckpoint;
  updates: StatusUpdateManager;
  tasks: TaskTable;
  launcher: TaskLauncher;
  hooks: AgentHooks;
  defaultContainerizer: Containerizer;
  log: Logger;
}

const errText = (err: unknown) => (err instanceof Error ? err.message : String(err));

function toCheckpointed(r: TaskRecord): CheckpointedContainer {
  return {
    containerId: r.containerId,
    containerizer: r.containerizer ?? "",
    taskId: r.task.task_id.value,
    frameworkId: r.frameworkId,
    sandbox: r.sandbox ?? "",
    ...(r.pid !== undefined ? { pid: r.pid } : {}),
    ...(r.data !== undefined ? { data: r.data } : {}),
  };
}

/**
 * Rebuilds the agent's tasks from its work dir after a restart, as Mesos's agent recovery:
 * replays status update logs, lets isolators and containerizers recover the containers that were
 * running, re-attaches to the live ones, and reports (through the paused update manager, so it
 * reaches the master once re-registered) the end of those that ended or cannot be accounted for.
 * Returns the recovered tasks.
 */
export async function recoverAgent(d: RecoveryDeps): Promise<TaskRecord[]> {
  await d.updates.recover();
  const live: TaskRecord[] = [];
  const settle: Array<() => Promise<void>> = [];

  for (const cp of await d.checkpoint.readTasks()) {
    const key = { frameworkId: cp.frameworkId, taskId: cp.task.task_id.value };
    const latest = d.updates.latest(key);
    const rec = newTaskRecord(cp, parseResources(cp, d.log), latest?.status.state ?? "TASK_STAGING");
    if (latest) rec.latest = latest.status;

    if (d.updates.isTerminated(key)) {
      rec.terminated = true;
      rec.markStarted();
      if (d.updates.pending(key).length === 0) {
        // Acknowledged to the end; the restart came before the checkpoint was removed.
        await d.checkpoint.removeTask(key.frameworkId, key.taskId);
        continue;
      }
      d.tasks.add(rec);
      if (cp.launched) settle.push(() => d.launcher.cleanup(rec));
      continue;
    }
    d.tasks.add(rec);
    if (cp.final) {
      // Its end was decided and checkpointed, but the update was not written before the restart.
      const final = cp.final;
      rec.markStarted();
      settle.push(async () => {
        if (cp.launched) await d.launcher.cleanup(rec);
        await d.launcher.endUnlaunched(rec, final.state, final.message ?? "", final.reason);
      });
    } else if (!cp.launched) {
      rec.markStarted();
      settle.push(async () => {
        await d.launcher.cleanup(rec);
        await d.launcher.endUnlaunched(rec, "TASK_FAILED", "The agent restarted while launching the task", "REASON_AGENT_RESTARTED");
      });
    } else {
      live.push(rec);
    }
  }

  try {
    await d.hooks.isolation.recover.promise(live.map(toCheckpointed));
  } catch (err) {
    throw new Error(`agent recovery: isolation recover failed: ${errText(err)}`);
  }

  const byImpl = new Map<Containerizer, TaskRecord[]>();
  for (const rec of live) {
    const impl = await findContainerizer(rec, d);
    if (!impl) {
      settle.push(() => lost(rec, d, `containerizer '${rec.containerizer}' that launched it is not configured`));
      continue;
    }
    rec.impl = impl;
    byImpl.set(impl, [...(byImpl.get(impl) ?? []), rec]);
  }

  const all: RecoveredContainer[] = [];
  for (const [impl, recs] of byImpl) {
    let recovered: RecoveredContainer[];
    try {
      recovered = await impl.recover(recs.map(toCheckpointed));
    } catch (err) {
      d.log.error({ containerizer: impl.name, err: errText(err) }, "containerizer recover failed");
      recovered = [];
    }
    all.push(...recovered);
    for (const rec of recs) {
      const found = recovered.find((r) => r.containerId === rec.containerId);
      if (!found) {
        settle.push(() => lost(rec, d, "its container could not be recovered after the agent restarted"));
      } else if (found.running) {
        d.log.info({ taskId: rec.task.task_id.value, containerId: rec.containerId }, "re-attached to running task");
        settle.push(() => d.launcher.reattach(rec, impl));
      } else {
        const t = found.termination ?? {
          exitCode: null,
          signal: null,
          state: "TASK_FAILED" as const,
          message: "The container ended while the agent was down",
        };
        rec.markStarted();
        settle.push(() => d.launcher.terminated(rec, t));
      }
    }
  }
  d.hooks.containerization.recovered.call(all);
  for (const step of settle) {
    try {
      await step();
    } catch (err) {
      d.log.error({ err: errText(err) }, "recovering a task failed");
    }
  }
  return d.tasks.all();
}

async function findContainerizer(rec: TaskRecord, d: RecoveryDeps): Promise<Containerizer | undefined> {
  if (rec.containerizer === d.defaultContainerizer.name) return d.defaultContainerizer;
  // Modules' containerizers are found the way they were chosen: by asking the hook again.
  try {
    const c = await d.launcher.containerizerFor(rec);
    return c.name === rec.containerizer ? c : undefined;
  } catch {
    return undefined;
  }
}

/** A task the agent cannot account for after the restart: make sure nothing of it runs, report it lost. */
async function lost(rec: TaskRecord, d: RecoveryDeps, why: string): Promise<void> {
  d.log.warn({ taskId: rec.task.task_id.value, containerId: rec.containerId }, `task lost: ${why}`);
  if (rec.impl) {
    try {
      await rec.impl.destroy(rec.containerId, 0);
    } catch {
      // Already gone is the expected case.
    }
  }
  await d.launcher.cleanup(rec);
  await d.launcher.endUnlaunched(rec, "TASK_LOST", `Task lost: ${why}`, "REASON_EXECUTOR_TERMINATED");
}

function parseResources(cp: TaskCheckpoint, log: Logger): Resources {
  try {
    return Resources.fromJSON(cp.task.resources, "task.resources");
  } catch (err) {
    log.warn({ taskId: cp.task.task_id.value, err: errText(err) }, "checkpointed task has unreadable resources");
    return Resources.empty();
  }
}
