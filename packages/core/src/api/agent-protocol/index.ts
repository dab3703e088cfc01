export * from "./common.js";
export * from "./errors.js";
export * from "./calls.js";
export * from "./events.js";
export * from "./http.js";
