// Public API of @tessera/cli: the command tree, for embedding or testing it.
export { createProgram, main, DEFAULT_MASTER } from "./program.js";
export { processIo, UsageError, CommandError, type Io, type Out } from "./context.js";
export { runTask } from "./commands/run.js";
export { formatTable, type Column } from "./table.js";
export { Progress } from "./progress.js";
