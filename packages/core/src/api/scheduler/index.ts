// Mesos v1 scheduler API: call parsing and validation, event schema and builders.
export * from "./call.js";
export * from "./offer-constraints.js";
export { parseSchedulerCall, validateSchedulerCall } from "./parse-call.js";
export { validateFrameworkInfo, validateSubscribeBody } from "./validate-framework.js";
export { validateAccept } from "./validate-operations.js";
export * from "./events.js";
