import type { Writable } from "node:stream";

export type Out = Writable & { isTTY?: boolean };

/** Where a command writes and what it reads from its environment; tests pass their own. */
export interface Io {
  stdout: Out;
  stderr: Out;
  env: Record<string, string | undefined>;
  /** Calls `handler` on Ctrl-C / SIGTERM; returns a function that stops listening. */
  onStop: (handler: (signal: string) => void) => () => void;
}

export function processIo(): Io {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    onStop(handler) {
      process.on("SIGINT", handler);
      process.on("SIGTERM", handler);
      return () => {
        process.off("SIGINT", handler);
        process.off("SIGTERM", handler);
      };
    },
  };
}

/** The command line itself is wrong (exit 2), as opposed to the command failing (exit 1). */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** The command failed and says why; `exitCode` is what the process should exit with. */
export class CommandError extends Error {
  override readonly name = "CommandError";
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** Resolves on the first Ctrl-C / SIGTERM. */
export function untilStopped(io: Io): Promise<string> {
  return new Promise((resolve) => {
    const off = io.onStop((signal) => {
      off();
      resolve(signal);
    });
  });
}

/** One line for a failure; a refused connection says which address and what to check. */
export function explain(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const e = (err.cause instanceof Error ? err.cause : err) as Error & { code?: string; address?: string; port?: number };
  if (e.code === "ECONNREFUSED" || (err as { code?: string }).code === "ECONNREFUSED") {
    const where = e.address ? `${e.address}:${e.port ?? ""}` : err.message.replace(/^connect ECONNREFUSED /, "");
    return `nothing answers at ${where} (connection refused): is the master running? (--master or $TESSERA_MASTER)`;
  }
  return e !== err ? `${err.message}: ${e.message}` : err.message;
}
