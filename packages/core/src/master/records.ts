import type { AgentEvent } from "../api/agent-protocol/events.js";
import type { AgentInfo } from "../api/agent-protocol/common.js";
import type * as m from "../api/mesos/index.js";
import type { Resources } from "../resources/index.js";
import type { EventSink } from "./event-sink.js";
import type { SchedulerEvent } from "../api/scheduler/events.js";

/** A registered agent as the master tracks it. */
export interface AgentRecord {
  id: string;
  info: AgentInfo;
  /** Everything the agent has, including dynamic reservations checkpointed by the master. */
  total: Resources;
  attributes: Record<string, string | number>;
  version: string;
  registeredAt: number;
  reregisteredAt?: number;
  /** Its event stream is open. */
  connected: boolean;
  sink?: EventSink<AgentEvent>;
  streamId?: string;
  lastPongAt: number;
  /** Executors known on this agent: `frameworkId/executorId` → info. */
  executors: Map<string, m.ExecutorInfo>;
}

/** A framework the master knows: subscribed now, or disconnected but inside its failover timeout. */
export interface FrameworkRecord {
  id: string;
  info: m.FrameworkInfo;
  roles: string[];
  partitionAware: boolean;
  connected: boolean;
  active: boolean;
  sink?: EventSink<SchedulerEvent>;
  streamId?: string;
  registeredAt: number;
  reregisteredAt?: number;
  unregisteredAt?: number;
  suppressedRoles: Set<string>;
  heartbeat?: NodeJS.Timeout;
  failoverTimer?: NodeJS.Timeout;
  /** Live tasks (not terminal), by task id. */
  tasks: Map<string, TaskRecord>;
  /** Terminal tasks, oldest first, bounded. */
  completedTasks: TaskRecord[];
  offers: Set<string>;
}

export interface TaskRecord {
  id: string;
  name: string;
  frameworkId: string;
  agentId: string;
  executorId?: string;
  role: string;
  info: m.TaskInfo;
  /** Task resources (plus a new executor's, charged to its first task), with allocation role. */
  resources: Resources;
  state: m.TaskState;
  statuses: m.TaskStatus[];
  /** Latest update forwarded to the framework that it has not acknowledged yet. */
  statusUpdateState?: m.TaskState;
  statusUpdateUuid?: string;
}

export interface OfferRecord {
  id: string;
  frameworkId: string;
  agentId: string;
  role: string;
  resources: Resources;
  createdAt: number;
  timer?: NodeJS.Timeout;
}

/** A removed framework kept for the state endpoints (Mesos completed_frameworks). */
export interface CompletedFramework {
  record: FrameworkRecord;
  removedAt: number;
  reason: string;
}
