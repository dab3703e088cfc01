import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import { inject, injectable } from "tsyringe";
import type {
  AgentCallInput,
  AgentEvent,
  ExecutorInfoJson,
  FrameworkInfoJson,
  ResourceJson,
  TaskInfoJson,
  TaskStatusJson,
} from "../api/agent-protocol/index.js";
import type { AgentHooks, Containerizer } from "../hooks/index.js";
import { Resources } from "../resources/index.js";
import type { AgentConfig } from "./agent-config.js";
import type { AgentCheckpoint } from "./checkpoint/agent-checkpoint.js";
import { MasterLink } from "./master/master-link.js";
import { OversubscriptionLoop } from "./oversubscription.js";
import { recoverAgent } from "./recovery.js";
import { makeStatusUpdate, type StatusUpdate } from "./status-updates/status-update.js";
import { StatusUpdateManager } from "./status-updates/status-update-manager.js";
import { TurnBatch } from "./status-updates/turn-batch.js";
import { killGraceMs, TaskValidationError, validateTask } from "./task-validation.js";
import { TaskLauncher, type SandboxCreator, type StatusFields } from "./tasks/task-launcher.js";
import { newTaskRecord, refOf, TaskTable, toAgentTask, type TaskRecord } from "./tasks/task-record.js";
import { AGENT_CONFIG, AGENT_HOOKS, AGENT_LOGGER, AGENT_CHECKPOINT, DEFAULT_CONTAINERIZER, SANDBOX_CREATOR } from "./tokens.js";

/** A task that ended and whose terminal update was acknowledged; kept a while for /state and /files. */
export interface CompletedTask {
  frameworkId: string;
  executorId: string;
  containerId: string;
  task: TaskInfoJson;
  state: string;
  sandbox?: string;
}

const MAX_COMPLETED = 200;
const errText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * The agent runtime: registers with the master, runs the tasks it is sent through the
 * containerizer and isolation pipeline, reports their statuses reliably, and recovers
 * everything from its work dir after a restart.
 */
@injectable()
export class Agent {
  readonly tasks = new TaskTable();
  private readonly updates: StatusUpdateManager;
  private readonly outbox = new TurnBatch<StatusUpdate>((u) => this.sendUpdates(u));
  private readonly link: MasterLink;
  private readonly launcher: TaskLauncher;
  private readonly oversubscription: OversubscriptionLoop;
  private readonly frameworks = new Map<string, FrameworkInfoJson>();
  private readonly completed: CompletedTask[] = [];
  private id?: string;
  private checkpointedResources: unknown[] = [];
  /** Event handlers still running; stop() lets them finish their checkpoint writes. */
  private readonly inflight = new Set<Promise<unknown>>();
  /** draining: killing everything before stopping or after SHUTDOWN; no new tasks are taken. */
  private phase: "new" | "running" | "draining" | "stopped" | "shutdown" = "new";

  constructor(
    @inject(AGENT_CONFIG) readonly config: AgentConfig,
    @inject(AGENT_LOGGER) private readonly log: Logger,
    @inject(AGENT_HOOKS) readonly hooks: AgentHooks,
    @inject(DEFAULT_CONTAINERIZER) private readonly defaultContainerizer: Containerizer,
    @inject(AGENT_CHECKPOINT) private readonly checkpoint: AgentCheckpoint,
    @inject(SANDBOX_CREATOR) sandboxes: SandboxCreator,
  ) {
    this.updates = new StatusUpdateManager({
      log: checkpoint.updates,
      forward: (u) => this.forward(u),
      ...(config.statusUpdateRetry ? { retry: config.statusUpdateRetry } : {}),
      logger: log.child({ component: "status-updates" }),
      onStreamClosed: (key) => this.taskDone(key.frameworkId, key.taskId),
    });
    this.link = new MasterLink({
      masterUrl: config.masterUrl,
      subscribeCall: () => this.subscribeCall(),
      onEvent: (e) => this.onEvent(e),
      onDisconnected: () => {
        this.log.warn("disconnected from master");
        this.updates.pause();
      },
      ...(config.registrationBackoff ? { backoff: config.registrationBackoff } : {}),
      logger: log.child({ component: "master-link" }),
    });
    this.launcher = new TaskLauncher({
      hooks,
      defaultContainerizer,
      sandboxes,
      checkpoint,
      tasks: this.tasks,
      log,
      agentId: () => this.requireId(),
      switchUser: config.switchUser,
      active: () => this.phase === "new" || this.phase === "running" || this.phase === "draining",
      sendStatus: (rec, f) => this.sendStatus(rec, f),
    });
    this.oversubscription = new OversubscriptionLoop(this, hooks.oversubscription, log.child({ component: "oversubscription" }), config.oversubscriptionIntervalMs ?? 15_000);
  }

  /** The id the master gave this agent, once registered (or recovered from the work dir). */
  agentId(): string | undefined {
    return this.id;
  }

  get connected(): boolean {
    return this.link.connected;
  }

  /** Recovers from the work dir, fires `started`, and starts registering with the master. */
  async start(): Promise<void> {
    if (this.phase !== "new") throw new Error("agent: start() may be called once");
    this.id = await this.checkpoint.readAgentId();
    this.checkpointedResources = (await this.checkpoint.readCheckpointedResources()) ?? [];
    const recovered = await recoverAgent({
      checkpoint: this.checkpoint,
      updates: this.updates,
      tasks: this.tasks,
      launcher: this.launcher,
      hooks: this.hooks,
      defaultContainerizer: this.defaultContainerizer,
      log: this.log,
    });
    for (const r of recovered) this.frameworks.set(r.frameworkId, r.frameworkInfo);
    if (this.id) this.log.info({ agentId: this.id, tasks: recovered.length }, "recovered agent state");
    await this.hooks.agentLifecycle.started.promise({
      workDir: this.config.workDir,
      hostname: this.config.hostname,
      resources: this.config.resources,
      attributes: structuredClone(this.config.attributes), // a module's copy: what the agent registers with stays its own
    });
    this.phase = "running";
    this.link.start();
    this.oversubscription.start();
  }

  /**
   * Leaves the master and stops reporting. Tasks keep running (a restarted agent re-attaches
   * to them) unless `killTasks` is set, which destroys them first and records their end.
   */
  async stop(opts: { killTasks?: boolean } = {}): Promise<void> {
    if (this.phase === "stopped") return;
    if (opts.killTasks && this.phase === "running") {
      this.phase = "draining";
      await this.killAll("Agent stopping");
    }
    this.phase = "stopped";
    await this.oversubscription.stop();
    await this.link.stop();
    // Handlers blocked on a hook that never returns must not hold the stop forever.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(this.inflight), new Promise<void>((res) => (timer = setTimeout(res, 2000)))]);
    clearTimeout(timer);
    await this.updates.close();
    await this.checkpoint.close();
    await this.hooks.agentLifecycle.stopping.promise();
  }

  // ---- master → agent ------------------------------------------------------------------------

  private onEvent(e: AgentEvent): void {
    const run = (what: string, p: Promise<unknown>) => {
      const tracked = p.catch((err: unknown) => this.log.error({ event: e.type, err: errText(err) }, `${what} failed`));
      this.inflight.add(tracked);
      void tracked.finally(() => this.inflight.delete(tracked));
    };
    switch (e.type) {
      case "REGISTERED":
        return run("registration", this.registered(e.registered.agent_id.value, false));
      case "REREGISTERED":
        return run("re-registration", this.registered(e.reregistered.agent_id.value, true));
      case "RUN_TASK": {
        const { framework_id, framework_info, task } = e.run_task;
        return run("RUN_TASK", this.runTasks(framework_id.value, framework_info, [task], undefined));
      }
      case "RUN_TASK_GROUP": {
        const { framework_id, framework_info, executor, task_group } = e.run_task_group;
        return run("RUN_TASK_GROUP", this.runTasks(framework_id.value, framework_info, task_group.tasks, executor));
      }
      case "KILL_TASK": {
        const { framework_id, task_id, kill_policy } = e.kill_task;
        return run("KILL_TASK", this.killTask(framework_id.value, task_id.value, kill_policy));
      }
      case "STATUS_UPDATE_ACKNOWLEDGEMENT": {
        const a = e.status_update_acknowledgement;
        return run("acknowledgement", this.updates.acknowledge({ frameworkId: a.framework_id.value, taskId: a.task_id.value }, a.uuid));
      }
      case "SHUTDOWN_FRAMEWORK":
        return run("SHUTDOWN_FRAMEWORK", this.shutdownFramework(e.shutdown_framework.framework_id.value));
      case "UPDATE_FRAMEWORK":
        return run("UPDATE_FRAMEWORK", this.updateFramework(e.update_framework.framework_id.value, e.update_framework.framework_info));
      case "RECONCILE_TASKS":
        return run("RECONCILE_TASKS", this.reconcile(e.reconcile_tasks.framework_id.value, e.reconcile_tasks.tasks.map((t) => t.task_id.value)));
      case "CHECKPOINT_RESOURCES":
        this.checkpointedResources = e.checkpoint_resources.resources;
        return run("CHECKPOINT_RESOURCES", this.checkpoint.writeCheckpointedResources(this.checkpointedResources));
      case "FRAMEWORK_MESSAGE":
        // Command tasks have no executor to hand a message to (Mesos drops it too).
        this.log.warn({ frameworkId: e.framework_message.framework_id.value }, "dropping framework message: no executor to deliver it to");
        return;
      case "SHUTDOWN":
        return run("SHUTDOWN", this.shutdown(e.shutdown.message));
      case "PING":
        return; // answered by the link
    }
  }

  private async registered(agentId: string, reregistered: boolean): Promise<void> {
    if (this.id && this.id !== agentId) {
      this.log.warn({ old: this.id, new: agentId }, "master assigned a new agent id");
    }
    const changed = this.id !== agentId;
    this.id = agentId;
    if (changed) {
      const c = this.config;
      await this.checkpoint.writeAgentId(agentId, { hostname: c.hostname, port: c.port, resources: c.resources.toJSON(), attributes: c.attributes });
    }
    this.log.info({ agentId, reregistered }, reregistered ? "re-registered with master" : "registered with master");
    this.updates.resume();
    this.hooks.agentLifecycle.registered.call({ agentId, master: this.config.masterUrl, reregistered });
  }

  private async runTasks(
    frameworkId: string,
    frameworkInfo: FrameworkInfoJson,
    tasks: TaskInfoJson[],
    executorInfo: ExecutorInfoJson | undefined,
  ): Promise<void> {
    if (this.phase !== "running") return;
    this.frameworks.set(frameworkId, { ...frameworkInfo, id: { value: frameworkId } });
    const where = executorInfo ? (i: number) => `run_task_group.task_group.tasks[${i}]` : () => "run_task.task";
    const records: TaskRecord[] = [];
    let invalid: string | undefined;
    for (const [i, task] of tasks.entries()) {
      if (this.tasks.get(frameworkId, task.task_id.value)) {
        this.log.warn({ frameworkId, taskId: task.task_id.value }, "ignoring RUN_TASK for a task this agent already has");
        continue;
      }
      let resources = Resources.empty();
      try {
        resources = validateTask(task, where(i));
      } catch (err) {
        if (!(err instanceof TaskValidationError)) throw err;
        invalid ??= err.message;
      }
      const rec = newTaskRecord(
        {
          frameworkId,
          frameworkInfo: { ...frameworkInfo, id: { value: frameworkId } },
          executorId: executorInfo?.executor_id.value ?? task.task_id.value,
          ...(executorInfo ? { executorInfo } : {}),
          containerId: randomUUID(),
          task,
          launched: false,
          terminated: false,
        },
        resources,
        "TASK_STAGING",
      );
      this.tasks.add(rec);
      records.push(rec);
    }
    if (invalid !== undefined) {
      // One bad task fails its whole group: they were meant to run together.
      this.log.warn({ frameworkId, error: invalid }, "refusing invalid task");
      const reason = "REASON_TASK_INVALID";
      await Promise.all(
        records.map((r) => this.launcher.endUnlaunched(r, "TASK_ERROR", `Task is invalid: ${invalid}`, reason)),
      );
      return;
    }
    await Promise.all(records.map((r) => this.launcher.launch(r)));
  }

  private async killTask(frameworkId: string, taskId: string, policy: Record<string, unknown> | undefined): Promise<void> {
    const rec = this.tasks.get(frameworkId, taskId);
    if (!rec) {
      if (this.updates.isTerminated({ frameworkId, taskId })) return;
      // The master thinks the task is here; say it is not (Mesos: "Cannot find executor").
      this.log.warn({ frameworkId, taskId }, "asked to kill a task this agent does not know");
      const status: TaskStatusJson = {
        task_id: { value: taskId },
        state: "TASK_LOST",
        source: "SOURCE_AGENT",
        reason: "REASON_EXECUTOR_TERMINATED",
        message: "Cannot kill the task: the agent does not know it",
        ...(this.id ? { agent_id: { value: this.id } } : {}),
      };
      await this.updates.update(makeStatusUpdate(frameworkId, status));
      return;
    }
    let grace: number;
    try {
      grace = killGraceMs(policy ?? rec.task.kill_policy, policy ? "kill_task.kill_policy" : "task.kill_policy");
    } catch (err) {
      this.log.warn({ taskId, err: errText(err) }, "bad kill policy; using the default grace period");
      grace = killGraceMs(undefined);
    }
    // A task group is killed as a whole (Mesos's default executor does the same).
    const group = this.tasks.group(rec);
    await Promise.all(group.map((r) => this.launcher.kill(r, grace, r === rec ? "Killed by the framework" : `Task group: task '${taskId}' was killed`)));
  }

  private async shutdownFramework(frameworkId: string): Promise<void> {
    this.log.info({ frameworkId }, "shutting down framework");
    await Promise.all(
      this.tasks.ofFramework(frameworkId).map((r) => this.launcher.kill(r, killGraceMs(r.task.kill_policy), "Framework shut down")),
    );
  }

  private async updateFramework(frameworkId: string, info: FrameworkInfoJson): Promise<void> {
    const full = { ...info, id: { value: frameworkId } };
    this.frameworks.set(frameworkId, full);
    for (const r of this.tasks.ofFramework(frameworkId)) r.frameworkInfo = full;
  }

  /** Re-sends what the agent knows about the tasks (all of the framework's when none are named). */
  private async reconcile(frameworkId: string, taskIds: string[]): Promise<void> {
    const known = taskIds.length === 0 ? this.tasks.ofFramework(frameworkId) : [];
    for (const id of taskIds) {
      const rec = this.tasks.get(frameworkId, id);
      if (rec) known.push(rec);
      else if (!this.updates.isTerminated({ frameworkId, taskId: id })) {
        await this.forwardUnreliable(frameworkId, {
          task_id: { value: id },
          state: "TASK_LOST",
          source: "SOURCE_AGENT",
          reason: "REASON_RECONCILIATION",
          message: "Task is unknown to the agent",
        });
      }
    }
    for (const rec of known) {
      // A task with an unacknowledged update is already being reported; the retry carries it.
      if (!rec.latest || this.updates.pending({ frameworkId, taskId: rec.task.task_id.value }).length > 0) continue;
      const { uuid: _uuid, ...status } = rec.latest;
      await this.forwardUnreliable(frameworkId, { ...status, reason: "REASON_RECONCILIATION" });
    }
  }

  /** The master removed this agent: kill everything, forget the id, stop talking to it. */
  private async shutdown(message: string): Promise<void> {
    this.log.error({ message }, "master asked this agent to shut down");
    if (this.phase !== "running") return;
    this.phase = "draining";
    await this.killAll(`Agent shut down by the master: ${message}`);
    this.phase = "shutdown";
    await this.checkpoint.clearAgentId();
    this.id = undefined;
    await this.link.stop();
    this.updates.pause();
  }

  private async killAll(reason: string): Promise<void> {
    const live = this.tasks.all().filter((r) => !r.terminated);
    await Promise.all(live.map((r) => this.launcher.kill(r, killGraceMs(r.task.kill_policy), reason)));
    // A container that ignores even SIGKILL must not hold the agent forever.
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<void>((res) => (timer = setTimeout(res, 30_000)));
    await Promise.race([Promise.all(live.map((r) => r.ended)), limit]);
    clearTimeout(timer);
  }

  // ---- agent → master ------------------------------------------------------------------------

  private requireId(): string {
    if (!this.id) throw new Error("agent is not registered yet");
    return this.id;
  }

  private async subscribeCall(): Promise<AgentCallInput> {
    const agentInfo = {
      hostname: this.config.hostname,
      port: this.config.port,
      resources: this.config.resources.toJSON() as unknown as ResourceJson[],
      attributes: this.config.attributes,
    };
    if (!this.id) return { type: "REGISTER", register: { agent_info: agentInfo } };
    const id = this.id;
    const live = this.tasks.all();
    const executors = new Map<string, ExecutorInfoJson>();
    for (const r of live) if (r.executorInfo) executors.set(`${r.frameworkId}\u0000${r.executorId}`, { ...r.executorInfo, framework_id: { value: r.frameworkId } });
    return {
      type: "REREGISTER",
      agent_id: { value: id },
      reregister: {
        agent_info: { ...agentInfo, id: { value: id } },
        tasks: live.map((r) => toAgentTask(r, id, this.updates.pending({ frameworkId: r.frameworkId, taskId: r.task.task_id.value })[0]?.status)),
        executor_infos: [...executors.values()],
        frameworks: [...new Set(live.map((r) => r.frameworkId))].map((f) => this.frameworks.get(f)!).filter(Boolean),
      },
    };
  }

  private async sendStatus(rec: TaskRecord, f: StatusFields): Promise<void> {
    const agentId = this.requireId();
    const status: TaskStatusJson = {
      task_id: rec.task.task_id,
      state: f.state,
      source: f.source ?? "SOURCE_EXECUTOR",
      agent_id: { value: agentId },
      executor_id: { value: rec.executorId },
      ...(f.message !== undefined ? { message: f.message } : {}),
      ...(f.reason !== undefined ? { reason: f.reason } : {}),
      ...(f.healthy !== undefined ? { healthy: f.healthy } : {}),
      container_status: { container_id: { value: rec.containerId }, ...f.containerStatus },
    };
    const update = makeStatusUpdate(rec.frameworkId, status);
    rec.state = f.state;
    rec.latest = update.status;
    this.hooks.agentLifecycle.taskStatus.call(update.status, refOf(rec, agentId));
    await this.updates.update(update);
  }

  private async forward(u: StatusUpdate): Promise<void> {
    if (!this.id || !this.link.connected) throw new Error("not connected to a master");
    await this.outbox.add(u);
  }

  /** One call for every update that became ready in the same turn (one per task: each stream has one in flight). */
  private async sendUpdates(updates: StatusUpdate[]): Promise<void> {
    if (!this.id || !this.link.connected) throw new Error("not connected to a master");
    const agent_id = { value: this.id };
    const list = updates.map((u) => ({ framework_id: u.framework_id, status: u.status }));
    await this.link.call(
      list.length === 1
        ? { type: "STATUS_UPDATE", agent_id, status_update: list[0]! }
        : { type: "STATUS_UPDATES", agent_id, status_updates: { updates: list } },
    );
  }

  private async forwardUnreliable(frameworkId: string, status: TaskStatusJson): Promise<void> {
    if (!this.id || !this.link.connected) return;
    const { uuid: _uuid, ...rest } = status;
    await this.link.call({
      type: "STATUS_UPDATE",
      agent_id: { value: this.id },
      status_update: { framework_id: { value: frameworkId }, status: { ...rest, agent_id: { value: this.id }, timestamp: Date.now() / 1000 } },
    });
  }

  /** The framework acknowledged the task's terminal update: nothing of it is pending any more. */
  private async taskDone(frameworkId: string, taskId: string): Promise<void> {
    const rec = this.tasks.delete(frameworkId, taskId);
    if (rec) {
      // Moved in the same tick it leaves the table, so /files and /state never miss it.
      this.completed.push({
        frameworkId,
        executorId: rec.executorId,
        containerId: rec.containerId,
        task: rec.task,
        state: rec.state,
        ...(rec.sandbox ? { sandbox: rec.sandbox } : {}),
      });
      if (this.completed.length > MAX_COMPLETED) this.completed.shift();
    }
    await this.checkpoint.removeTask(frameworkId, taskId);
  }

  // ---- views for the HTTP endpoints ------------------------------------------------------------

  /** Tasks that ended and were acknowledged (newest last), for /state and /files. */
  completedTasks(): readonly CompletedTask[] {
    return this.completed;
  }

  frameworkInfo(frameworkId: string): FrameworkInfoJson | undefined {
    return this.frameworks.get(frameworkId);
  }

  checkpointed(): readonly unknown[] {
    return this.checkpointedResources;
  }

  /** Carries out a QoS correction: kill reports TASK_KILLED, evict TASK_GONE (the framework may reschedule). */
  async killForQoS(rec: TaskRecord, action: "kill" | "evict", reason: string): Promise<void> {
    await this.launcher.kill(rec, 0, `QoS correction: ${reason}`, {
      reasonCode: "REASON_CONTAINER_PREEMPTED",
      ...(action === "evict" ? { state: "TASK_GONE" as const } : {}),
    });
  }

  /** Latest estimate of revocable resources from the oversubscription hooks. */
  revocableEstimate(): Resources {
    return this.oversubscription.estimate;
  }

  /** Usage of each running container: isolators' statistics plus the containerizer's own. */
  async usage(): Promise<Array<{ rec: TaskRecord; statistics: Record<string, number> }>> {
    const agentId = this.id ?? "";
    const out: Array<{ rec: TaskRecord; statistics: Record<string, number> }> = [];
    for (const rec of this.tasks.all()) {
      if (!rec.launched || rec.terminated) continue;
      const sink = new Map<string, number>();
      try {
        await this.hooks.isolation.usage.promise(refOf(rec, agentId), sink);
      } catch (err) {
        this.log.warn({ taskId: rec.task.task_id.value, err: errText(err) }, "isolation usage failed");
      }
      let own: Record<string, number> = {};
      try {
        own = (await rec.impl?.usage?.(rec.containerId)) ?? {};
      } catch (err) {
        this.log.warn({ taskId: rec.task.task_id.value, err: errText(err) }, "containerizer usage failed");
      }
      out.push({ rec, statistics: { ...own, ...Object.fromEntries(sink) } });
    }
    return out;
  }
}
