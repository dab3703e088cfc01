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
  RecordIODecoder,
  RecordIOError,
  decodeRecordStream,
  type RecordIODecoderOptions,
} from "./recordio.js";
