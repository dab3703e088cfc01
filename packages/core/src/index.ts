// Public API of @tessera/core. Modules and tools import from here only.
export {};
export * from "./hooks/index.js";
export * from "./api/index.js";
export * from "./resources/index.js";
export * from "./modules/index.js";
export * from "./allocator/index.js";
export * from "./registry/index.js";
export * from "./agent/sandbox/index.js";
export * from "./master/index.js";
export * as agentProtocol from "./api/agent-protocol/index.js";
export * from "./agent/checkpoint/index.js";
export * from "./agent/index.js";
export * from "./agent/health/index.js";
export * from "./agent/containerizer/index.js";
