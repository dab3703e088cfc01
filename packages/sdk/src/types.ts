// The JSON shapes of the Mesos v1 scheduler API that a framework reads and writes.
// Field names are the .proto names (snake_case) because that is the wire format.

export interface Value {
  value: string;
}
export type FrameworkID = Value;
export type AgentID = Value;
export type OfferID = Value;
export type TaskID = Value;
export type ExecutorID = Value;

export interface Label {
  key: string;
  value?: string;
}

export interface FrameworkInfo {
  user: string;
  name: string;
  id?: FrameworkID;
  failover_timeout?: number;
  checkpoint?: boolean;
  role?: string;
  roles?: string[];
  hostname?: string;
  principal?: string;
  webui_url?: string;
  capabilities?: { type: string }[];
  labels?: { labels: Label[] };
}

export interface Range {
  begin: number;
  end: number;
}

export interface Resource {
  name: string;
  type: "SCALAR" | "RANGES" | "SET" | "TEXT";
  scalar?: { value: number };
  ranges?: { range: Range[] };
  set?: { item: string[] };
  role?: string;
  allocation_info?: { role?: string };
  reservations?: { type?: string; role?: string; principal?: string; labels?: { labels: Label[] } }[];
  disk?: unknown;
  revocable?: Record<string, never>;
  provider_id?: Value;
  shared?: Record<string, never>;
}

export interface Attribute {
  name: string;
  type: "SCALAR" | "RANGES" | "SET" | "TEXT";
  scalar?: { value: number };
  ranges?: { range: Range[] };
  set?: { item: string[] };
  text?: { value: string };
}

export interface Offer {
  id: OfferID;
  framework_id: FrameworkID;
  agent_id: AgentID;
  hostname: string;
  url?: { scheme: string; address: { hostname?: string; ip?: string; port: number }; path?: string };
  resources: Resource[];
  attributes?: Attribute[];
  executor_ids?: ExecutorID[];
  allocation_info?: { role?: string };
}

export interface InverseOffer {
  id: OfferID;
  framework_id: FrameworkID;
  agent_id?: AgentID;
  unavailability: unknown;
}

export interface CommandInfo {
  shell?: boolean;
  value?: string;
  arguments?: string[];
  environment?: { variables: { name: string; value?: string; type?: string }[] };
  uris?: { value: string; executable?: boolean; extract?: boolean; cache?: boolean }[];
  user?: string;
}

export interface ContainerInfo {
  type: "DOCKER" | "MESOS";
  docker?: {
    image: string;
    network?: "HOST" | "BRIDGE" | "NONE" | "USER";
    port_mappings?: { host_port: number; container_port: number; protocol?: string }[];
    privileged?: boolean;
    force_pull_image?: boolean;
  };
  mesos?: { image?: unknown };
  network_infos?: unknown[];
  volumes?: unknown[];
}

export interface TaskInfo {
  name: string;
  task_id: TaskID;
  agent_id: AgentID;
  resources: Resource[];
  command?: CommandInfo;
  container?: ContainerInfo;
  executor?: unknown;
  health_check?: unknown;
  kill_policy?: { grace_period?: { nanoseconds: number } };
  labels?: { labels: Label[] };
  data?: string;
}

export type TaskState =
  | "TASK_STAGING"
  | "TASK_STARTING"
  | "TASK_RUNNING"
  | "TASK_KILLING"
  | "TASK_FINISHED"
  | "TASK_FAILED"
  | "TASK_KILLED"
  | "TASK_ERROR"
  | "TASK_LOST"
  | "TASK_DROPPED"
  | "TASK_UNREACHABLE"
  | "TASK_GONE"
  | "TASK_GONE_BY_OPERATOR"
  | "TASK_UNKNOWN";

export interface TaskStatus {
  task_id: TaskID;
  state: TaskState;
  message?: string;
  source?: string;
  reason?: string;
  data?: string;
  agent_id?: AgentID;
  executor_id?: ExecutorID;
  timestamp?: number;
  /** base64 of the update's UUID; present when the update must be acknowledged. */
  uuid?: string;
  healthy?: boolean;
  labels?: { labels: Label[] };
  container_status?: unknown;
  /** Tessera extension: the command's exit status, when the task ran to completion. */
  exit_status?: number;
}

export interface Filters {
  refuse_seconds?: number;
}

export interface Operation {
  type: string;
  id?: Value;
  launch?: { task_infos: TaskInfo[] };
  launch_group?: unknown;
  reserve?: { resources: Resource[] };
  unreserve?: { resources: Resource[] };
  create?: { volumes: Resource[] };
  destroy?: { volumes: Resource[] };
}

export interface MasterInfo {
  id: string;
  ip?: number;
  port: number;
  pid?: string;
  hostname?: string;
  version?: string;
  address?: { hostname?: string; ip?: string; port: number };
}

export interface SubscribedEvent {
  framework_id: FrameworkID;
  heartbeat_interval_seconds?: number;
  master_info?: MasterInfo;
}

/** One event of the SUBSCRIBE stream, as Mesos sends it. */
export interface SchedulerEvent {
  type:
    | "SUBSCRIBED"
    | "OFFERS"
    | "INVERSE_OFFERS"
    | "RESCIND"
    | "RESCIND_INVERSE_OFFER"
    | "UPDATE"
    | "UPDATE_OPERATION_STATUS"
    | "MESSAGE"
    | "FAILURE"
    | "ERROR"
    | "HEARTBEAT"
    | "UNKNOWN";
  subscribed?: SubscribedEvent;
  offers?: { offers?: Offer[]; inverse_offers?: InverseOffer[] };
  inverse_offers?: { inverse_offers: InverseOffer[] };
  rescind?: { offer_id: OfferID };
  rescind_inverse_offer?: { inverse_offer_id: OfferID };
  update?: { status: TaskStatus };
  update_operation_status?: { status: unknown };
  message?: { agent_id: AgentID; executor_id: ExecutorID; data: string };
  failure?: { agent_id?: AgentID; executor_id?: ExecutorID; status?: number };
  error?: { message: string };
}

/** Task states after which a task never changes again. */
export const TERMINAL_STATES: ReadonlySet<TaskState> = new Set<TaskState>([
  "TASK_FINISHED",
  "TASK_FAILED",
  "TASK_KILLED",
  "TASK_ERROR",
  "TASK_LOST",
  "TASK_DROPPED",
  "TASK_GONE",
  "TASK_GONE_BY_OPERATOR",
]);

export function isTerminal(state: TaskState): boolean {
  return TERMINAL_STATES.has(state);
}
