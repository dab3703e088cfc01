// Containerizers shipped with the core: the process containerizer (plain processes, sh -c).
export { ProcessContainerizer, type ProcessContainerizerOptions } from "./process/process-containerizer.js";
export { CommandError, taskCommand, DEFAULT_PATH, type TaskCommand } from "./process/command.js";
export { terminationOf } from "./process/exit-status.js";
export { EXIT_FILE, SUPERVISOR_NAME } from "./process/supervisor.js";
export type { Tools as ProcessContainerizerTools } from "./process/tools.js";
