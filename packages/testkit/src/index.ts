export * from "./system-prerequisites.js";
export * from "./test-framework.js";
export * from "./agent-process.js";
export * from "./eventually.js";
