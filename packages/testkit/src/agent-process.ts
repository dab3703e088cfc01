// An agent in a child process for end-to-end tests: one node process running a TypeScript entry
// through tsx (so SIGKILL takes all of it), ready once it prints AGENT_READY.
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";

/**
 * Starts `entry` (a TypeScript file) with `args` in a child node process (node --import tsx) in
 * `root`, the repository root whose tsconfig.json tsx uses; resolves once its stdout says
 * AGENT_READY, rejects if it exits first (with the end of its stderr).
 */
export async function spawnAgent(entry: string, args: string[], root: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", entry, ...args], {
    cwd: root,
    env: { ...process.env, TSX_TSCONFIG_PATH: join(root, "tsconfig.json") },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let err = "";
  child.stderr!.on("data", (d: Buffer) => void (err += d.toString()));
  await new Promise<void>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("AGENT_READY")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`agent exited with ${code} before it was ready: ${err.slice(-2000)}`)));
  });
  return child;
}

/** SIGKILLs the child (if there is one still running) and resolves once it exited. */
export function sigkill(child: ChildProcess | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}
