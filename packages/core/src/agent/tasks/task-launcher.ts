import type { Logger } from "pino";
import type { TaskState } from "../../api/agent-protocol/common.js";
import type {
  AgentHooks,
  ContainerLimitation,
  ContainerLaunch,
  ContainerStatusLike,
  Containerizer,
  ContainerTermination,
  LaunchPlan,
} from "../../hooks/index.js";
import type { AgentCheckpoint } from "../checkpoint/agent-checkpoint.js";
import { startTaskHealth } from "../health/task-health.js";
import { commandEnv, killGraceMs } from "../task-validation.js";
import { checkpointOf, refOf, type KillRequest, type TaskRecord, type TaskTable } from "./task-record.js";

/** What a status the agent generates carries besides the task it is about. */
export interface StatusFields {
  state: TaskState;
  message?: string;
  reason?: string;
  source?: "SOURCE_AGENT" | "SOURCE_EXECUTOR";
  containerStatus?: ContainerStatusLike;
  /** Result of the task's health check, when it has one. */
  healthy?: boolean;
}

/** Creates a container's sandbox directory and returns its absolute path. */
export interface SandboxCreator {
  create(ids: { agentId: string; frameworkId: string; executorId: string; containerId: string; user?: string }): Promise<string>;
}

export interface TaskLauncherDeps {
  hooks: AgentHooks;
  defaultContainerizer: Containerizer;
  sandboxes: SandboxCreator;
  checkpoint: AgentCheckpoint;
  tasks: TaskTable;
  log: Logger;
  agentId: () => string;
  /** Run tasks as the framework's user (needs root, as Mesos --switch_user). */
  switchUser: boolean;
  /** False once the agent stopped: a stopped agent leaves its tasks (and their checkpoints) alone. */
  active: () => boolean;
  /** Generates, checkpoints and sends one status update for the task. */
  sendStatus: (rec: TaskRecord, fields: StatusFields) => Promise<void>;
}

// Mesos's default PATH for tasks whose command does not set one.
const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

const errText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Runs one task's container through the agent's pipeline: sandbox, isolation prepare,
 * containerizer choice, launch, isolate, watch; then reports and cleans up when it ends.
 * Kills go through here too, so a kill that arrives mid-launch is honoured.
 */
export class TaskLauncher {
  constructor(private readonly d: TaskLauncherDeps) {}

  /** Picks the containerizer: the first `selectContainerizer` tap that answers, else the default. */
  async containerizerFor(rec: TaskRecord): Promise<Containerizer> {
    const chosen = await this.d.hooks.containerization.selectContainerizer.promise(rec.task, refOf(rec, this.d.agentId()));
    return chosen ?? this.d.defaultContainerizer;
  }

  async launch(rec: TaskRecord): Promise<void> {
    const agentId = this.d.agentId();
    // Bindings, not a child logger: a child per task costs more than the two lines it may write.
    const who = () => ({ taskId: rec.task.task_id.value, frameworkId: rec.frameworkId, containerId: rec.containerId });
    const user = this.d.switchUser ? ((rec.task.command?.user as string | undefined) ?? rec.frameworkInfo.user) : undefined;
    let launchedRecord: Promise<void> | undefined;
    try {
      rec.sandbox = await this.d.sandboxes.create({
        agentId,
        frameworkId: rec.frameworkId,
        executorId: rec.executorId,
        containerId: rec.containerId,
        ...(user ? { user } : {}),
      });
      await this.d.checkpoint.writeTask(checkpointOf(rec));
      if (rec.kill) return await this.endUnlaunched(rec, rec.kill.state ?? "TASK_KILLED", "Task killed before it was launched", "REASON_TASK_KILLED_DURING_LAUNCH");

      const ref = refOf(rec, agentId);
      const base: LaunchPlan = {
        env: {
          PATH: DEFAULT_PATH,
          MESOS_SANDBOX: rec.sandbox,
          MESOS_DIRECTORY: rec.sandbox,
          MESOS_FRAMEWORK_ID: rec.frameworkId,
          MESOS_EXECUTOR_ID: rec.executorId,
          MESOS_TASK_ID: rec.task.task_id.value,
          MESOS_AGENT_ID: agentId,
          MESOS_CONTAINER_ID: rec.containerId,
          ...commandEnv(rec.task),
        },
        mounts: [],
        labels: {},
      };
      const plan = await this.d.hooks.isolation.prepare.promise(base, { ...ref, task: rec.task, resources: rec.resources });
      const impl = await this.containerizerFor(rec);
      rec.impl = impl;
      rec.containerizer = impl.name;
      const killed = rec.kill as KillRequest | undefined; // a KILL_TASK may have come in while isolators prepared
      if (killed) {
        await this.cleanup(rec);
        return await this.endUnlaunched(rec, killed.state ?? "TASK_KILLED", "Task killed before it was launched", "REASON_TASK_KILLED_DURING_LAUNCH");
      }
      const launch: ContainerLaunch = {
        containerId: rec.containerId,
        frameworkId: rec.frameworkId,
        agentId,
        taskId: rec.task.task_id.value,
        task: rec.task,
        sandbox: rec.sandbox,
        plan,
        ...(user ? { user } : {}),
      };
      const { pid, data } = await impl.launch(launch);
      rec.launched = true;
      if (pid !== undefined) rec.pid = pid;
      if (data !== undefined) rec.data = data;
      this.d.hooks.containerization.launched.call(launch, { containerizer: impl.name, ...(pid !== undefined ? { pid } : {}) });
      // Queued now, awaited with TASK_STARTING and TASK_RUNNING below: the journal keeps the order
      // and they usually share its group commit; nothing about the launch leaves the agent before.
      launchedRecord = this.d.checkpoint.writeTask(checkpointOf(rec));
      launchedRecord.catch(() => undefined); // awaited below, or moot once the launch failed
      if (pid !== undefined) await this.d.hooks.isolation.isolate.promise(ref, pid);
    } catch (err) {
      this.d.log.warn({ ...who(), err: errText(err) }, "task launch failed");
      if (rec.launched && rec.impl) await this.destroyQuietly(rec, 0);
      await this.cleanup(rec);
      return await this.endUnlaunched(rec, "TASK_FAILED", `Failed to launch container: ${errText(err)}`, "REASON_CONTAINER_LAUNCH_FAILED");
    }

    this.watch(rec);
    this.d.hooks.agentLifecycle.taskLaunched.call(rec.task, refOf(rec, agentId));
    this.d.log.info({ ...who(), containerizer: rec.containerizer, pid: rec.pid }, "task launched");
    try {
      // Generated back to back, so both are checkpointed in one group commit (RUNNING still leaves
      // only once STARTING is acknowledged).
      const containerStatus = await this.containerStatus(rec);
      await Promise.all([
        launchedRecord,
        this.d.sendStatus(rec, { state: "TASK_STARTING" }),
        this.d.sendStatus(rec, { state: "TASK_RUNNING", containerStatus }),
      ]);
    } finally {
      rec.markStarted();
    }
    if (rec.kill) await this.destroy(rec);
    else this.startHealth(rec);
  }

  /**
   * Re-attach to a container that survived an agent restart: watch it again, and report
   * TASK_RUNNING if the agent went down before it could.
   */
  async reattach(rec: TaskRecord, impl: Containerizer): Promise<void> {
    rec.impl = impl;
    this.watch(rec);
    try {
      if (rec.state === "TASK_STAGING") await this.d.sendStatus(rec, { state: "TASK_STARTING" });
      if (rec.state === "TASK_STAGING" || rec.state === "TASK_STARTING") {
        await this.d.sendStatus(rec, { state: "TASK_RUNNING", containerStatus: await this.containerStatus(rec) });
      }
    } finally {
      rec.markStarted();
    }
    this.startHealth(rec);
  }

  /** Starts the task's health check (if it has one): changes are reported, too many failures kill it. */
  private startHealth(rec: TaskRecord): void {
    rec.health = startTaskHealth(rec, {
      log: this.d.log,
      report: (r, healthy, message) =>
        this.d.active() ? this.d.sendStatus(r, { state: "TASK_RUNNING", healthy, message, reason: "REASON_TASK_HEALTH_CHECK_STATUS_UPDATED" }) : Promise.resolve(r.health?.stop()),
      kill: (r, message) => this.kill(r, killGraceMs(r.task.kill_policy), message, { reasonCode: "REASON_TASK_HEALTH_CHECK_STATUS_UPDATED" }),
    });
  }

  /** Asks for the task to die; a second ask while it is dying changes nothing. */
  async kill(rec: TaskRecord, gracePeriodMs: number, reason: string, as?: Pick<KillRequest, "state" | "reasonCode">): Promise<void> {
    if (rec.terminated || rec.kill) return;
    rec.kill = { gracePeriodMs, reason, ...as };
    // Not launched yet: the launch path sees `kill` and stops before or right after launching.
    if (rec.launched) await this.destroy(rec);
  }

  /** The container ended: report it (killed and limited containers say so), clean up, share fate. */
  async terminated(rec: TaskRecord, t: ContainerTermination): Promise<void> {
    if (rec.terminated) return;
    await rec.started;
    if (rec.terminated || !this.d.active()) return;
    const ref = refOf(rec, this.d.agentId());
    this.d.hooks.containerization.terminated.call(ref, t);
    let fields: StatusFields = { state: t.state, message: t.message, ...(t.reason ? { reason: t.reason } : {}) };
    if (rec.limitation) {
      fields = { state: "TASK_FAILED", message: rec.limitation.message, reason: rec.limitation.reason };
    } else if (rec.kill) {
      // The task's main process may end before the rest of its process group: wait for all of it.
      await this.destroying.get(rec);
      const reason = rec.kill.reasonCode;
      fields = { state: rec.kill.state ?? "TASK_KILLED", message: `${rec.kill.reason}; ${t.message}`, ...(reason ? { reason } : {}) };
    }
    await this.endLaunched(rec, t, fields);
  }

  /** Records and reports the end of a container that had been launched, then releases it. */
  async endLaunched(rec: TaskRecord, t: ContainerTermination, fields: StatusFields): Promise<void> {
    if (!this.d.active()) return;
    rec.health?.stop();
    rec.terminated = true;
    rec.termination = t;
    rec.final = { state: fields.state, ...(fields.message ? { message: fields.message } : {}), ...(fields.reason ? { reason: fields.reason } : {}) };
    // The outcome is checkpointed before the update (the journal keeps their order, and they share
    // one group commit), so a crash right here still reports it after the restart.
    try {
      await Promise.all([this.d.checkpoint.writeTask(checkpointOf(rec)), this.d.sendStatus(rec, fields)]);
    } finally {
      rec.markEnded();
    }
    await this.cleanup(rec);
    this.d.log.info({ taskId: rec.task.task_id.value, state: fields.state, message: fields.message }, "task ended");
    if (fields.state !== "TASK_FINISHED") await this.shareFate(rec, fields.state);
  }

  /** A task that never ran (or whose launch failed) reaches its terminal state. */
  async endUnlaunched(rec: TaskRecord, state: TaskState, message: string, reason?: string): Promise<void> {
    if (!this.d.active()) return rec.markStarted();
    rec.terminated = true;
    rec.final = { state, message, ...(reason ? { reason } : {}) };
    try {
      await Promise.all([
        this.d.checkpoint.writeTask(checkpointOf(rec)),
        this.d.sendStatus(rec, { state, message, ...(reason ? { reason } : {}), source: "SOURCE_AGENT" }),
      ]);
    } finally {
      rec.markStarted();
      rec.markEnded();
    }
    await this.shareFate(rec, state);
  }

  /** Isolation cleanup (idempotent per the hook contract); failures are logged, never fatal. */
  async cleanup(rec: TaskRecord): Promise<void> {
    if (!rec.sandbox) return;
    const ref = refOf(rec, this.d.agentId());
    try {
      await this.d.hooks.isolation.cleanup.promise(ref);
    } catch (err) {
      this.d.log.error({ taskId: ref.taskId, err: errText(err) }, "isolation cleanup failed");
    }
    this.d.hooks.agentLifecycle.taskRemoved.call(ref);
  }

  async containerStatus(rec: TaskRecord): Promise<ContainerStatusLike> {
    const base: ContainerStatusLike = {
      container_id: { value: rec.containerId },
      ...(rec.pid !== undefined ? { executor_pid: rec.pid } : {}),
    };
    try {
      return await this.d.hooks.isolation.status.promise(base, refOf(rec, this.d.agentId()));
    } catch (err) {
      this.d.log.warn({ taskId: rec.task.task_id.value, err: errText(err) }, "isolation status failed");
      return base;
    }
  }

  private watch(rec: TaskRecord): void {
    const impl = rec.impl!;
    const ref = refOf(rec, this.d.agentId());
    this.d.hooks.isolation.watch.call(ref, (limitation: ContainerLimitation) => {
      if (rec.terminated || rec.limitation) return;
      this.d.log.warn({ taskId: ref.taskId, reason: limitation.reason }, limitation.message);
      rec.limitation = limitation;
      rec.kill ??= { gracePeriodMs: 0, reason: limitation.message };
      void this.destroy(rec);
    });
    impl.wait(rec.containerId).then(
      (t) => this.terminated(rec, t),
      (err: unknown) =>
        this.terminated(rec, { exitCode: null, signal: null, state: "TASK_FAILED", message: `Lost track of the container: ${errText(err)}` }),
    ).catch((err: unknown) => this.d.log.error({ taskId: ref.taskId, err: errText(err) }, "reporting the end of a task failed"));
  }

  /** Destroys in progress: a killed task is reported only once its whole container is gone. */
  private destroying = new WeakMap<TaskRecord, Promise<void>>();

  private destroy(rec: TaskRecord): Promise<void> {
    if (!rec.kill || !rec.impl) return Promise.resolve();
    let pending = this.destroying.get(rec);
    if (!pending) {
      const { gracePeriodMs, reason } = rec.kill;
      this.d.hooks.containerization.destroying.call(refOf(rec, this.d.agentId()), { gracePeriodMs, reason });
      pending = this.destroyQuietly(rec, gracePeriodMs);
      this.destroying.set(rec, pending);
    }
    return pending;
  }

  private async destroyQuietly(rec: TaskRecord, gracePeriodMs: number): Promise<void> {
    try {
      await rec.impl!.destroy(rec.containerId, gracePeriodMs);
    } catch (err) {
      this.d.log.error({ taskId: rec.task.task_id.value, err: errText(err) }, "destroying the container failed");
    }
  }

  /** Tasks of a group share fate: one that fails or is killed takes the others down (as Mesos's default executor). */
  private async shareFate(rec: TaskRecord, state: TaskState): Promise<void> {
    if (!rec.executorInfo) return;
    const siblings = this.d.tasks.group(rec).filter((o) => o !== rec && !o.terminated);
    await Promise.all(
      siblings.map((o) => this.kill(o, 0, `Task group: task '${rec.task.task_id.value}' ended with ${state}`)),
    );
  }
}
