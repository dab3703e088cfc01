import type { Writable } from "node:stream";
import { CommandError } from "./context.js";

// The demo framework lives in the repository's examples, not in the published CLI, so it is
// loaded only when `up --demo` asks for it.
const DEMO_PACKAGE = "@tessera-examples/demo-framework";

export interface DemoHandle {
  /** Settles when every demo task has ended. */
  done: Promise<unknown>;
  /** Tears the demo framework down. */
  stop(): Promise<void>;
}
export type RunDemo = (opts: { master: string; out: Writable }) => DemoHandle;

export async function loadDemo(): Promise<RunDemo> {
  let mod: { runDemo?: unknown };
  try {
    mod = (await import(DEMO_PACKAGE)) as { runDemo?: unknown };
  } catch (err) {
    throw new CommandError(`--demo needs ${DEMO_PACKAGE} (in the repository's examples/; run npm install there): ${(err as Error).message}`);
  }
  if (typeof mod.runDemo !== "function") throw new CommandError(`${DEMO_PACKAGE} does not export runDemo()`);
  return mod.runDemo as RunDemo;
}
