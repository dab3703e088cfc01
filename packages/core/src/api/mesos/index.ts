// Zod schemas (and their inferred types, same names) for the mesos.v1 messages Tessera speaks.
// Field names are the .proto names; parse with `parseProto` from ../proto-json.js.
export * from "./ids.js";
export * from "./values.js";
export * from "./container.js";
export * from "./status.js";
export * from "./task.js";
export * from "./offer.js";
export * from "./framework.js";
export * from "./cluster.js";
