import { mkdirSync } from "node:fs";
import { chown } from "node:fs/promises";
import { join } from "node:path";
import { checkPathSegment } from "./ids.js";
import { lookupUser } from "./users.js";

export interface SandboxIds {
  frameworkId: string;
  executorId: string;
  containerId: string;
}

/** `<root>/frameworks/<fid>/executors/<eid>/runs/<containerId>`, as Mesos lays out sandboxes. */
export function sandboxPath(root: string, ids: SandboxIds): string {
  checkPathSegment("frameworkId", ids.frameworkId);
  checkPathSegment("executorId", ids.executorId);
  checkPathSegment("containerId", ids.containerId);
  return join(root, "frameworks", ids.frameworkId, "executors", ids.executorId, "runs", ids.containerId);
}

/**
 * Creates the sandbox (and its parents) and returns its path. With `user` and an agent running as
 * root, the sandbox is handed to that user so the task can write its files (Mesos --switch_user).
 */
export async function createSandbox(root: string, ids: SandboxIds, user?: string): Promise<string> {
  const dir = sandboxPath(root, ids);
  // Synchronous on purpose: the few mkdir calls take microseconds, and the async recursive mkdir
  // makes each of them its own trip to the thread pool (one task's launch paid four).
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  if (user !== undefined && process.getuid?.() === 0) {
    const u = lookupUser(user);
    if (!u) throw new Error(`sandbox ${dir}: user "${user}" does not exist on this agent`);
    await chown(dir, u.uid, u.gid);
  }
  return dir;
}

/**
 * Sandboxes of one agent work dir: `<workDir>/slaves/<agentId>/frameworks/...`, so sandboxes of an
 * earlier agent id (after the agent was removed and registered anew) stay apart, as in Mesos.
 */
export class SandboxDirectories {
  constructor(readonly workDir: string) {}

  create(ids: SandboxIds & { agentId: string; user?: string }): Promise<string> {
    checkPathSegment("agentId", ids.agentId);
    return createSandbox(join(this.workDir, "slaves", ids.agentId), ids, ids.user);
  }
}
