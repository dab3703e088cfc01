// Hook points of the core, by component. Modules tap them; components call them.
export * from "./types.js";
export * from "./containerizer.js";
export * from "./allocation-hooks.js";
export * from "./resource-provider-hooks.js";
export * from "./containerization-hooks.js";
export * from "./isolation-hooks.js";
export * from "./oversubscription-hooks.js";
export * from "./master-lifecycle-hooks.js";
export * from "./agent-lifecycle-hooks.js";
export * from "./node-hooks.js";
