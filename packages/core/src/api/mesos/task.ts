// Health checks, kill policy, discovery, executors and tasks of mesos.v1.
import { z } from "zod";
import { pBytes, pDouble, pEnum, pEnumLenient, pMap, pRepeated, pString, pUint32 } from "../proto-json.js";
import { CommandInfo, ContainerInfo, NETWORK_PROTOCOLS } from "./container.js";
import { AgentID, DurationInfo, ExecutorID, FrameworkID, Labels, TaskID } from "./ids.js";
import { CHECK_TYPES, TASK_STATES, TaskState, TaskStatus } from "./status.js";
import { Resource, Scalar } from "./values.js";

export const HealthCheck = z.object({
  /** Defaults: delay 15 s, interval 10 s, timeout 20 s, 3 consecutive failures, grace 10 s. */
  delay_seconds: pDouble().optional(),
  interval_seconds: pDouble().optional(),
  timeout_seconds: pDouble().optional(),
  consecutive_failures: pUint32().optional(),
  grace_period_seconds: pDouble().optional(),
  type: pEnumLenient(CHECK_TYPES),
  command: CommandInfo.optional(),
  http: z
    .object({
      protocol: pEnumLenient(NETWORK_PROTOCOLS),
      scheme: pString().optional(),
      port: pUint32(),
      path: pString().optional(),
      statuses: pRepeated(pUint32()),
    })
    .optional(),
  tcp: z.object({ protocol: pEnumLenient(NETWORK_PROTOCOLS), port: pUint32() }).optional(),
});
export type HealthCheck = z.infer<typeof HealthCheck>;

export const CheckInfo = z.object({
  type: pEnumLenient(CHECK_TYPES),
  command: z.object({ command: CommandInfo }).optional(),
  http: z.object({ port: pUint32(), path: pString().optional() }).optional(),
  tcp: z.object({ port: pUint32() }).optional(),
  delay_seconds: pDouble().optional(),
  interval_seconds: pDouble().optional(),
  timeout_seconds: pDouble().optional(),
});
export type CheckInfo = z.infer<typeof CheckInfo>;

export const KillPolicy = z.object({ grace_period: DurationInfo.optional() });
export type KillPolicy = z.infer<typeof KillPolicy>;

export const DISCOVERY_VISIBILITIES = ["FRAMEWORK", "CLUSTER", "EXTERNAL"] as const;
export const Port = z.object({
  number: pUint32(),
  name: pString().optional(),
  protocol: pString().optional(),
  visibility: pEnumLenient(DISCOVERY_VISIBILITIES),
  labels: Labels.optional(),
});
export type Port = z.infer<typeof Port>;

export const DiscoveryInfo = z.object({
  visibility: pEnum(DISCOVERY_VISIBILITIES),
  name: pString().optional(),
  environment: pString().optional(),
  location: pString().optional(),
  version: pString().optional(),
  ports: z.object({ ports: pRepeated(Port) }).optional(),
  labels: Labels.optional(),
});
export type DiscoveryInfo = z.infer<typeof DiscoveryInfo>;

export const EXECUTOR_TYPES = ["UNKNOWN", "DEFAULT", "CUSTOM"] as const;
export const ExecutorInfo = z.object({
  type: pEnumLenient(EXECUTOR_TYPES),
  executor_id: ExecutorID,
  framework_id: FrameworkID.optional(),
  command: CommandInfo.optional(),
  container: ContainerInfo.optional(),
  resources: pRepeated(Resource),
  name: pString().optional(),
  source: pString().optional(),
  data: pBytes().optional(),
  discovery: DiscoveryInfo.optional(),
  shutdown_grace_period: DurationInfo.optional(),
  labels: Labels.optional(),
});
export type ExecutorInfo = z.infer<typeof ExecutorInfo>;

export const TaskInfo = z.object({
  name: pString(),
  task_id: TaskID,
  agent_id: AgentID,
  resources: pRepeated(Resource),
  executor: ExecutorInfo.optional(),
  command: CommandInfo.optional(),
  container: ContainerInfo.optional(),
  health_check: HealthCheck.optional(),
  check: CheckInfo.optional(),
  kill_policy: KillPolicy.optional(),
  data: pBytes().optional(),
  labels: Labels.optional(),
  discovery: DiscoveryInfo.optional(),
  max_completion_time: DurationInfo.optional(),
  limits: pMap(Scalar),
});
export type TaskInfo = z.infer<typeof TaskInfo>;

export const TaskGroupInfo = z.object({ tasks: pRepeated(TaskInfo) });
export type TaskGroupInfo = z.infer<typeof TaskGroupInfo>;

/** A task as the master reports it (operator API, state endpoints). */
export const Task = z.object({
  name: pString(),
  task_id: TaskID,
  framework_id: FrameworkID,
  executor_id: ExecutorID.optional(),
  agent_id: AgentID,
  state: TaskState,
  resources: pRepeated(Resource),
  statuses: pRepeated(TaskStatus),
  status_update_state: pEnumLenient(TASK_STATES),
  status_update_uuid: pBytes().optional(),
  labels: Labels.optional(),
  discovery: DiscoveryInfo.optional(),
  container: ContainerInfo.optional(),
  health_check: HealthCheck.optional(),
  kill_policy: KillPolicy.optional(),
  user: pString().optional(),
  limits: pMap(Scalar),
});
export type Task = z.infer<typeof Task>;
