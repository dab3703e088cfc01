import { AsyncSeriesHook, SyncHook } from "tapable";
import type { AttributeJson } from "../api/agent-protocol/common.js";
import type { Resources } from "../resources/index.js";
import type { ContainerRef, TaskLike, TaskStatusLike } from "./types.js";

/** What an agent module learns of its agent when it starts (as a Mesos module reads the agent's flags). */
export interface AgentStartInfo {
  workDir: string;
  hostname: string;
  /** What the agent offers (--resources, or detected), before revocable resources. */
  resources: Resources;
  attributes: AttributeJson[];
}

/** Notifications of what happens on an agent, for metrics, logging and UIs. */
export class AgentLifecycleHooks {
  readonly hooks = Object.freeze({
    /** The agent recovered its work dir and is about to register. Throwing stops the agent. */
    started: new AsyncSeriesHook<[AgentStartInfo]>(["agent"]),
    /** The master accepted the agent's (re-)registration. */
    registered: new SyncHook<[{ agentId: string; master: string; reregistered: boolean }]>(["registration"]),
    /** The agent is shutting down; a tap releases what `started` took. */
    stopping: new AsyncSeriesHook<[]>([]),
    /** A task's container was launched and isolated. */
    taskLaunched: new SyncHook<[TaskLike, ContainerRef]>(["task", "container"]),
    /** The agent produced a status update for a task (before it is sent to the master). */
    taskStatus: new SyncHook<[TaskStatusLike, ContainerRef]>(["status", "container"]),
    /** A task's container was cleaned up; nothing of it remains on the agent. */
    taskRemoved: new SyncHook<[ContainerRef]>(["container"]),
  });
}
