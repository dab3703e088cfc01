import { AsyncSeriesHook, SyncHook } from "tapable";
import type { AgentDescriptor, FrameworkDescriptor, TaskStatusLike } from "./types.js";

/** Notifications of what happens on the master, for metrics, logging and UIs. */
export class MasterLifecycleHooks {
  readonly hooks = Object.freeze({
    /** The master recovered its registry and serves the API. A tap may start its own services; throwing stops the master. */
    started: new AsyncSeriesHook<[{ masterId: string; address: string }]>(["master"]),
    /** This master became the leader (immediately for a single master). */
    elected: new SyncHook<[{ masterId: string }]>(["master"]),
    /** The master is shutting down; a tap releases what `started` took. */
    stopping: new AsyncSeriesHook<[]>([]),
    /** An agent registered (or re-registered after a master failover). */
    agentRegistered: new SyncHook<[AgentDescriptor, { reregistered: boolean }]>(["agent", "info"]),
    /** An agent missed its heartbeats; its tasks are unreachable, not yet lost. */
    agentUnreachable: new SyncHook<[AgentDescriptor]>(["agent"]),
    /** An agent left for good (removed, or gone longer than the unreachable timeout). */
    agentRemoved: new SyncHook<[AgentDescriptor, { reason: string }]>(["agent", "info"]),
    /** A framework subscribed, or re-subscribed after failover. */
    frameworkSubscribed: new SyncHook<[FrameworkDescriptor, { resubscribed: boolean }]>(["framework", "info"]),
    /** A framework was torn down or its failover timeout expired. */
    frameworkRemoved: new SyncHook<[FrameworkDescriptor, { reason: string }]>(["framework", "info"]),
    /** A task status update reached the master (before it is forwarded to the framework). */
    taskStatus: new SyncHook<[TaskStatusLike, { frameworkId: string; agentId?: string }]>(["status", "source"]),
  });
}
