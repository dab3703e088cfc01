import * as core from "@tessera/core";
import type { Logger } from "pino";
import { CommandError } from "./context.js";

// Typed seam to the core's node starters. startAgent is looked up at run time until the core
// exports it, so the CLI builds against a core that has the rest of the API.

export interface MasterHandle {
  url: string;
  stop(): Promise<void>;
}
export interface AgentHandle {
  url: string;
  /** The id the master gave the agent; undefined until it registered. */
  agentId(): string | undefined;
  stop(opts?: { killTasks?: boolean }): Promise<void>;
}
export interface MasterStartOptions {
  port?: number;
  host?: string;
  workDir: string;
  config?: string;
  logger?: Logger;
}
export interface AgentStartOptions {
  masterUrl: string;
  port?: number;
  host?: string;
  workDir: string;
  resources?: string;
  attributes?: string;
  config?: string;
  logger?: Logger;
}

function starter<T>(name: string): T {
  const fn = (core as Record<string, unknown>)[name];
  if (typeof fn !== "function") throw new CommandError(`this build of @tessera/core has no ${name}()`);
  return fn as T;
}

export const startMaster = (opts: MasterStartOptions): Promise<MasterHandle> => core.startMaster(opts);

export const startAgent = (opts: AgentStartOptions): Promise<AgentHandle> =>
  starter<(o: AgentStartOptions) => Promise<AgentHandle>>("startAgent")(opts);
