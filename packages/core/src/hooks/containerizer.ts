// The contract between the agent and a containerizer (the built-in process containerizer,
// the Docker one, ...). The agent owns the order: prepare (isolators) → launch → isolate → wait.
import type { TaskLike } from "./types.js";

/** What the isolators prepared for a launch; every containerizer must honour all of it. */
export interface LaunchPlan {
  /** Merged environment: CommandInfo environment plus isolator additions. */
  env: Record<string, string>;
  /** Bind mounts into the container's view of the filesystem. */
  mounts: Array<{ source: string; target: string; readOnly: boolean }>;
  /** Join this network namespace before exec (port-mapping, Calico-style networking). */
  netnsPath?: string;
  /** argv prefix an isolator needs, e.g. ["ip", "netns", "exec", "x"]. */
  wrapper?: string[];
  labels: Record<string, string>;
}

/** Everything a containerizer needs to start one task's container. */
export interface ContainerLaunch {
  containerId: string;
  frameworkId: string;
  agentId: string;
  taskId: string;
  /** The Mesos TaskInfo JSON (task_id, name, command, container, resources, kill_policy, ...). */
  task: TaskLike;
  /** Absolute directory; stdout and stderr files go here. */
  sandbox: string;
  plan: LaunchPlan;
  user?: string;
}

/** How a container ended. */
export interface ContainerTermination {
  exitCode: number | null;
  signal: string | null;
  state: "TASK_FINISHED" | "TASK_FAILED" | "TASK_KILLED";
  /** Mesos reason name, e.g. REASON_COMMAND_EXECUTOR_FAILED, REASON_CONTAINER_LIMITATION_MEMORY. */
  reason?: string;
  /** Human-readable, e.g. "Command exited with status 3". */
  message: string;
}

/** What the agent checkpointed about a container, handed back after an agent restart. */
export interface CheckpointedContainer {
  containerId: string;
  /** Name of the containerizer that launched it. */
  containerizer: string;
  taskId: string;
  frameworkId: string;
  sandbox: string;
  pid?: number;
  /** Whatever the containerizer returned from launch as `data`. */
  data?: Record<string, unknown>;
}

/** A checkpointed container as the containerizer found it after the restart. */
export interface RecoveredContainer {
  containerId: string;
  running: boolean;
  /** Set when the container ended while the agent was down. */
  termination?: ContainerTermination;
}

export interface Containerizer {
  /** e.g. "process", "docker"; checkpointed so recovery finds the right containerizer. */
  readonly name: string;
  /** Start the container; `data` is checkpointed and handed back on recover. */
  launch(l: ContainerLaunch): Promise<{ pid?: number; data?: Record<string, unknown> }>;
  /** Resolves once, when the container ends. */
  wait(containerId: string): Promise<ContainerTermination>;
  /** SIGTERM, then SIGKILL after the grace period. */
  destroy(containerId: string, gracePeriodMs: number): Promise<void>;
  /** After an agent restart: reattach to what still runs, report what ended. */
  recover(known: CheckpointedContainer[]): Promise<RecoveredContainer[]>;
  usage?(containerId: string): Promise<Record<string, number>>;
  update?(containerId: string, resources: unknown): Promise<void>;
}
