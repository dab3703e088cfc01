import { PassThrough } from "node:stream";
import type { Io } from "../context.js";

/** An Io that records what a command writes and lets the test press Ctrl-C. */
export function captureIo(env: Record<string, string | undefined> = {}): { io: Io; out: () => string; err: () => string; stop: () => void } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (c: Buffer) => (out += c.toString()));
  stderr.on("data", (c: Buffer) => (err += c.toString()));
  const handlers = new Set<(s: string) => void>();
  return {
    io: {
      stdout,
      stderr,
      env,
      onStop(h) {
        handlers.add(h);
        return () => handlers.delete(h);
      },
    },
    out: () => out,
    err: () => err,
    stop: () => [...handlers].forEach((h) => h("SIGINT")),
  };
}

export const argv = (...args: string[]): string[] => ["node", "tessera", ...args];
