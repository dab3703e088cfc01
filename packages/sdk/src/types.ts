// The JSON shapes a framework reads and writes. Messages come from @tessera/core's mesos.v1 schemas
// (one source of truth with the master); the scheduler Event envelope is the SDK's own.
import { mesos } from "@tessera/core";

export type FrameworkInfo = mesos.FrameworkInfo;
export type FrameworkID = mesos.FrameworkID;
export type AgentID = mesos.AgentID;
export type OfferID = mesos.OfferID;
export type TaskID = mesos.TaskID;
export type ExecutorID = mesos.ExecutorID;
export type Resource = mesos.Resource;
export type Range = mesos.Range;
export type Offer = mesos.Offer;
export type InverseOffer = mesos.InverseOffer;
export type TaskInfo = mesos.TaskInfo;
export type TaskState = mesos.TaskState;
export type TaskStatus = mesos.TaskStatus;
export type Filters = mesos.Filters;
export type Operation = mesos.OfferOperation;
export type MasterInfo = mesos.MasterInfo;
export type CommandInfo = mesos.CommandInfo;
export type ContainerInfo = mesos.ContainerInfo;
export type KillPolicy = mesos.KillPolicy;

export interface SubscribedEvent {
  framework_id: FrameworkID;
  heartbeat_interval_seconds?: number;
  master_info?: MasterInfo;
}

/** One event of the SUBSCRIBE stream (mesos.v1.scheduler.Event), as the master sends it. */
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
  inverse_offers?: { inverse_offers?: InverseOffer[] };
  rescind?: { offer_id: OfferID };
  rescind_inverse_offer?: { inverse_offer_id: OfferID };
  update?: { status: TaskStatus };
  update_operation_status?: { status: mesos.OperationStatus };
  message?: { agent_id: AgentID; executor_id: ExecutorID; data?: string };
  failure?: { agent_id?: AgentID; executor_id?: ExecutorID; status?: number };
  error?: { message: string };
}

/** True for states after which a task never changes again. */
export function isTerminal(state: TaskState): boolean {
  return mesos.TERMINAL_TASK_STATES.has(state);
}
