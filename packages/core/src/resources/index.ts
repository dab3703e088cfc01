// Public API of the resource model: values, arithmetic, parsing and DRF quantities.
export { Resources } from "./resources.js";
export { ScalarQuantities, dominantShare } from "./quantities.js";
export { ResourceError, type ResourceIssue } from "./errors.js";
export { ResourceJSONSchema, resourcesJsonSchema } from "./json.js";
export { addRanges, formatRanges, isMerged, mergeRanges, rangesContain, rangesSize, subtractRanges, takeRanges } from "./ranges.js";
export { ancestorRoles, isStrictSubrole, roleProblem } from "./roles.js";
export { MAX_SCALAR, roundScalar } from "./fixed.js";
export type {
  Label,
  LegacyResourceJSON,
  Range,
  Reservation,
  ReservationJSON,
  ResourceEntry,
  ResourceEntryInput,
  ResourceJSON,
  ResourceType,
} from "./types.js";
