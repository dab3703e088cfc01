import { AsyncSeriesBailHook, SyncHook } from "tapable";
import type { ContainerLaunch, ContainerTermination, Containerizer, RecoveredContainer } from "./containerizer.js";
import type { ContainerRef, TaskLike } from "./types.js";

/** Agent-side hooks around the containerizer chain. */
export class ContainerizationHooks {
  readonly hooks = Object.freeze({
    /**
     * Once per task, before isolation prepares it. The first tap that returns a
     * containerizer for the task wins (e.g. the Docker one for tasks with a Docker image);
     * return undefined to pass. When no tap returns one, the process containerizer runs it.
     */
    selectContainerizer: new AsyncSeriesBailHook<[TaskLike, ContainerRef], Containerizer | undefined>([
      "task",
      "container",
    ]),
    /** `containerizer.launch` succeeded; the task's process exists. Notify only. */
    launched: new SyncHook<[ContainerLaunch, { containerizer: string; pid?: number }]>(["launch", "result"]),
    /** `containerizer.wait` resolved: the container ended, before isolation cleanup. Notify only. */
    terminated: new SyncHook<[ContainerRef, ContainerTermination]>(["container", "termination"]),
    /** The agent is about to call `containerizer.destroy` (kill, shutdown, QoS). Notify only. */
    destroying: new SyncHook<[ContainerRef, { gracePeriodMs: number; reason: string }]>(["container", "request"]),
    /** After an agent restart, once every containerizer has recovered its containers. Notify only. */
    recovered: new SyncHook<[RecoveredContainer[]]>(["containers"]),
  });
}
