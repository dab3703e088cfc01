// Hook-facing shapes. Deliberately minimal and structural, so hooks do not depend on the
// details of the Mesos v1 API types (packages/core/src/api): an API TaskInfo is a TaskLike.

/** A Mesos TaskInfo as JSON (snake_case field names); only task_id is relied on here. */
export interface TaskLike {
  task_id: { value: string };
  name?: string;
  command?: {
    value?: string;
    shell?: boolean;
    arguments?: string[];
    environment?: { variables?: Array<{ name: string; value?: string; [k: string]: unknown }> };
    [k: string]: unknown;
  };
  [k: string]: unknown;
}

/** A Mesos TaskStatus as JSON; `state` is the enum name, e.g. "TASK_RUNNING". */
export interface TaskStatusLike {
  task_id: { value: string };
  state: string;
  reason?: string;
  message?: string;
  [k: string]: unknown;
}

/** What a policy may look at when deciding about an agent. */
export interface AgentDescriptor {
  id: string;
  hostname: string;
  attributes: Record<string, string | number>;
}

/** A subscribed framework as lifecycle hooks see it. */
export interface FrameworkDescriptor {
  id: string;
  name: string;
  roles: string[];
  [k: string]: unknown;
}

/** Identifies one container on an agent; every isolation and containerization hook gets one. */
export interface ContainerRef {
  containerId: string;
  frameworkId: string;
  agentId: string;
  taskId: string;
  /** Absolute sandbox directory of the container. */
  sandbox: string;
}
