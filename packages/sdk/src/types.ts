// The JSON shapes a framework reads and writes. Messages come from @tessera/core's mesos.v1 schemas
// and scheduler schemas: one source of truth with the master.
import { mesos, type scheduler } from "@tessera/core";

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

/** One event of the SUBSCRIBE stream (mesos.v1.scheduler.Event); `type` narrows to its body. */
export type SchedulerEvent = scheduler.SchedulerEvent;
export type SchedulerEventType = scheduler.SchedulerEventType;
export type SubscribedEvent = scheduler.SchedulerEventOf<"SUBSCRIBED">["subscribed"];

/** True for states after which a task never changes again. */
export function isTerminal(state: TaskState): boolean {
  return mesos.TERMINAL_TASK_STATES.has(state);
}
