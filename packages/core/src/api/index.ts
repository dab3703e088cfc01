// Public surface of the Mesos v1 scheduler and operator API: message schemas, parsing, events, RecordIO.
export * as mesos from "./mesos/index.js";
export { ApiError } from "./api-error.js";
export {
  parseProto,
  formatPath,
  fieldError,
  jsonType,
  isBase64,
  decodeBytes,
  encodeBytes,
  readJsonBody,
  stripNulls,
  type PathSegment,
} from "./proto-json.js";
export {
  encodeRecord,
  frameRecord,
  RecordIODecoder,
  RecordIOError,
  decodeRecordStream,
  type RecordIODecoderOptions,
} from "./recordio.js";
// Scheduler message schemas live under `scheduler.*`; the entry points are also exported by name.
export * as scheduler from "./scheduler/index.js";
export {
  parseSchedulerCall,
  validateSchedulerCall,
  parseSchedulerEvent,
  subscribedEvent,
  offersEvent,
  inverseOffersEvent,
  rescindEvent,
  rescindInverseOfferEvent,
  updateEvent,
  updateOperationStatusEvent,
  messageEvent,
  failureEvent,
  errorEvent,
  heartbeatEvent,
  type SchedulerCall,
  type SchedulerCallOf,
  type SchedulerCallType,
  type SchedulerEvent,
  type SchedulerEventOf,
  type SchedulerEventType,
} from "./scheduler/index.js";
export { idProblem } from "./validation/ids.js";
// Operator API response shapes live under `operator.*` (e.g. operator.GetState); entry points by name.
export * as operator from "./operator/index.js";
export {
  parseOperatorCall,
  operatorResponse,
  parseOperatorResponse,
  type OperatorCall,
  type OperatorCallType,
  type OperatorResponse,
  type OperatorResponseOf,
} from "./operator/index.js";
