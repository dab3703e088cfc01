import { AsyncParallelHook, AsyncSeriesHook, AsyncSeriesWaterfallHook, SyncHook } from "tapable";
import type { Resources } from "../resources/index.js";
import type { CheckpointedContainer, LaunchPlan } from "./containerizer.js";
import type { ContainerRef, TaskLike } from "./types.js";

/** Statistics of one container, keyed like Mesos ResourceStatistics (cpus_user_time_secs, mem_rss_bytes, net_rx_bytes...). */
export type UsageSink = Map<string, number>;

/** A Mesos ContainerStatus as JSON (network_infos, cgroup_info, ...), merged from every isolator. */
export interface ContainerStatusLike {
  network_infos?: Array<{
    name?: string;
    ip_addresses?: Array<{ ip_address?: string; protocol?: "IPv4" | "IPv6" }>;
    [k: string]: unknown;
  }>;
  [k: string]: unknown;
}

/** An isolator saw a container exceed what it may use; the agent kills the container. */
export interface ContainerLimitation {
  /** Mesos reason name, e.g. REASON_CONTAINER_LIMITATION_MEMORY. */
  reason: string;
  message: string;
  /** The resources that were exceeded, when known. */
  resources?: Resources;
}

/** What prepare taps get besides the plan: the container and the task it will run. */
export interface PrepareRequest extends ContainerRef {
  task: TaskLike;
  resources: Resources;
}

/** The Mesos isolator phases, in the order the agent runs them for a container. */
export class IsolationHooks {
  readonly hooks = Object.freeze({
    /**
     * Once after an agent restart, before any launch: rebuild state for the containers that
     * survived and release what belongs to containers that did not. Throwing aborts agent recovery.
     */
    recover: new AsyncSeriesHook<[CheckpointedContainer[]]>(["containers"]),
    /**
     * Before launch. Each tap returns the plan (copy and extend it: env, mounts, netnsPath,
     * wrapper, labels); the containerizer honours the result. Throwing fails the launch
     * (TASK_FAILED, REASON_CONTAINER_LAUNCH_FAILED) and cleanup runs.
     */
    prepare: new AsyncSeriesWaterfallHook<[LaunchPlan, PrepareRequest]>(["plan", "request"]),
    /** The task's process exists (pid on the host): move it into cgroups, namespaces, tc classes. */
    isolate: new AsyncSeriesHook<[ContainerRef, number]>(["container", "pid"]),
    /**
     * Right after isolate. A tap may keep the `limit` callback and call it later when the
     * container exceeds a limit (OOM, disk quota); the agent then kills the container.
     */
    watch: new SyncHook<[ContainerRef, (limitation: ContainerLimitation) => void]>(["container", "limit"]),
    /** The container's resources changed while it runs (e.g. a nested task grew it). */
    update: new AsyncSeriesHook<[ContainerRef, Resources]>(["container", "resources"]),
    /** Gather statistics; each tap sets its own keys in the sink. Runs in parallel. */
    usage: new AsyncParallelHook<[ContainerRef, UsageSink]>(["container", "sink"]),
    /** Build the container status reported in TaskStatus; each tap returns it with its part merged in. */
    status: new AsyncSeriesWaterfallHook<[ContainerStatusLike, ContainerRef]>(["status", "container"]),
    /** The container is gone: release everything it had (veths, IPs, mounts). Must be idempotent. */
    cleanup: new AsyncSeriesHook<[ContainerRef]>(["container"]),
  });
}
