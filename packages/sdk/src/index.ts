// Public API of @tessera/sdk: a typed Mesos v1 scheduler client and helpers to build tasks from offers.
export { SchedulerClient, type SchedulerClientOptions, type SchedulerCallbacks, type ReconnectOptions } from "./client.js";
export { MesosCallError, HeartbeatLostError, NotSubscribedError } from "./errors.js";
export { OperatorClient, OperatorError } from "./operator.js";
export { pickResources, scalarOf, type ResourceNeeds, type Picked } from "./resources.js";
export { taskInfo, packTasks, taskFromOffer, type TaskSpec } from "./task.js";
export * from "./types.js";
