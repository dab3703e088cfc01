import type {
  AgentTask,
  ExecutorInfoJson,
  FrameworkInfoJson,
  TaskInfoJson,
  TaskState,
  TaskStatusJson,
} from "../../api/agent-protocol/common.js";
import type { ContainerLimitation, ContainerRef, Containerizer, ContainerTermination } from "../../hooks/index.js";
import type { Resources } from "../../resources/index.js";

/** What the agent checkpoints about a task (JSON), enough to re-attach after a restart. */
export interface TaskCheckpoint {
  frameworkId: string;
  frameworkInfo: FrameworkInfoJson;
  executorId: string;
  /** Set for tasks of a task group: the group's executor; its tasks share fate. */
  executorInfo?: ExecutorInfoJson;
  containerId: string;
  task: TaskInfoJson;
  sandbox?: string;
  /** Name of the containerizer that launched it, once chosen. */
  containerizer?: string;
  pid?: number;
  data?: Record<string, unknown>;
  /** The containerizer launched it (a crash before that leaves nothing to re-attach to). */
  launched: boolean;
  /** The container is gone (or never ran); `final` says how the task ended. */
  terminated: boolean;
  /** The terminal status decided for the task, checkpointed before it is sent. */
  final?: { state: TaskState; message?: string; reason?: string };
}

export interface KillRequest {
  gracePeriodMs: number;
  /** Human-readable, goes into the status message. */
  reason: string;
  /** Terminal state to report instead of TASK_KILLED (e.g. TASK_GONE for a QoS eviction). */
  state?: TaskState;
  /** Mesos reason name for the terminal status. */
  reasonCode?: string;
}

/** A task the agent holds, from RUN_TASK until its terminal update is acknowledged. */
export interface TaskRecord extends TaskCheckpoint {
  resources: Resources;
  state: TaskState;
  /** Latest status the agent generated for it. */
  latest?: TaskStatusJson;
  impl?: Containerizer;
  /** Set once a kill was asked for; the launch path honours it too. `state`/`reasonCode` override TASK_KILLED. */
  kill?: KillRequest;
  limitation?: ContainerLimitation;
  /** Resolves once TASK_RUNNING (or the launch failure) was generated, so the terminal update comes after it. */
  started: Promise<void>;
  markStarted: () => void;
  /** Resolves once the terminal status was generated (and checkpointed). */
  ended: Promise<void>;
  markEnded: () => void;
  termination?: ContainerTermination;
  /** The task's running health check, stopped when the task ends. */
  health?: { stop(): void };
}

export function newTaskRecord(cp: TaskCheckpoint, resources: Resources, state: TaskState): TaskRecord {
  let markStarted!: () => void;
  let markEnded!: () => void;
  const started = new Promise<void>((r) => (markStarted = r));
  const ended = new Promise<void>((r) => (markEnded = r));
  return { ...cp, resources, state, started, markStarted, ended, markEnded };
}

export function checkpointOf(r: TaskRecord): TaskCheckpoint {
  return {
    frameworkId: r.frameworkId,
    frameworkInfo: r.frameworkInfo,
    executorId: r.executorId,
    ...(r.executorInfo ? { executorInfo: r.executorInfo } : {}),
    containerId: r.containerId,
    task: r.task,
    ...(r.sandbox !== undefined ? { sandbox: r.sandbox } : {}),
    ...(r.containerizer !== undefined ? { containerizer: r.containerizer } : {}),
    ...(r.pid !== undefined ? { pid: r.pid } : {}),
    ...(r.data !== undefined ? { data: r.data } : {}),
    launched: r.launched,
    terminated: r.terminated,
    ...(r.final ? { final: r.final } : {}),
  };
}

export function refOf(r: TaskRecord, agentId: string): ContainerRef {
  return { containerId: r.containerId, frameworkId: r.frameworkId, agentId, taskId: r.task.task_id.value, sandbox: r.sandbox ?? "" };
}

/** Mesos `Task` as the agent reports it on REREGISTER. */
export function toAgentTask(r: TaskRecord, agentId: string, pending?: TaskStatusJson): AgentTask {
  return {
    name: r.task.name,
    task_id: r.task.task_id,
    framework_id: { value: r.frameworkId },
    executor_id: { value: r.executorId },
    agent_id: { value: agentId },
    state: r.state,
    resources: r.task.resources,
    statuses: r.latest ? [r.latest] : [],
    ...(pending ? { status_update_state: pending.state, ...(pending.uuid ? { status_update_uuid: pending.uuid } : {}) } : {}),
  };
}

/** The agent's tasks, by framework and task id. */
export class TaskTable {
  private readonly byKey = new Map<string, TaskRecord>();

  private static key(frameworkId: string, taskId: string): string {
    return `${frameworkId}\u0000${taskId}`;
  }

  get(frameworkId: string, taskId: string): TaskRecord | undefined {
    return this.byKey.get(TaskTable.key(frameworkId, taskId));
  }

  add(r: TaskRecord): void {
    this.byKey.set(TaskTable.key(r.frameworkId, r.task.task_id.value), r);
  }

  delete(frameworkId: string, taskId: string): TaskRecord | undefined {
    const k = TaskTable.key(frameworkId, taskId);
    const r = this.byKey.get(k);
    this.byKey.delete(k);
    return r;
  }

  all(): TaskRecord[] {
    return [...this.byKey.values()];
  }

  ofFramework(frameworkId: string): TaskRecord[] {
    return this.all().filter((r) => r.frameworkId === frameworkId);
  }

  /** Tasks launched together in a task group (same framework and executor), the task itself included. */
  group(r: TaskRecord): TaskRecord[] {
    if (!r.executorInfo) return [r];
    return this.all().filter((o) => o.frameworkId === r.frameworkId && o.executorId === r.executorId && o.executorInfo);
  }

  byContainer(containerId: string): TaskRecord | undefined {
    return this.all().find((r) => r.containerId === containerId);
  }
}
