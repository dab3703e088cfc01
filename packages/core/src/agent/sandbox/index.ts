// Sandbox directories of tasks, and safe reads of what is in them (/files/read, /files/browse).
export { sandboxPath, createSandbox, SandboxDirectories, type SandboxIds } from "./layout.js";
export { readSandboxFile, browse, resolveInside, modeString, SandboxError, MAX_READ_BYTES, type SandboxFileInfo } from "./files.js";
export { checkPathSegment } from "./ids.js";
export { lookupUser, ownerNames, type LocalUser } from "./users.js";
