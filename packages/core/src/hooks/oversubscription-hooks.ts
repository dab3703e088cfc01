import { AsyncSeriesWaterfallHook } from "tapable";
import type { Resources } from "../resources/index.js";
import type { ContainerRef } from "./types.js";

/** What estimators and QoS controllers look at, gathered by the agent once per interval. */
export interface OversubscriptionContext {
  agentId: string;
  /** Everything the agent advertises (non-revocable). */
  total: Resources;
  /** What running containers were allocated. */
  allocated: Resources;
  /** Per container: its latest usage (see IsolationHooks.usage) and whether it runs on revocable resources. */
  containers: Array<{ container: ContainerRef; revocable: boolean; usage: Record<string, number> }>;
}

/** A QoS decision: take a container away to protect the non-revocable ones. */
export interface QoSCorrection {
  /** kill: TASK_KILLED; evict: TASK_GONE with REASON_CONTAINER_PREEMPTED, the framework may reschedule. */
  action: "kill" | "evict";
  container: ContainerRef;
  reason: string;
}

/** Agent-side hooks for oversubscription (Mesos' resource estimator and QoS controller). */
export class OversubscriptionHooks {
  readonly hooks = Object.freeze({
    /**
     * Once per estimation interval, starting from empty resources. Each tap returns the
     * revocable resources it believes are idle (usually adding to what it got); the agent
     * advertises the result to the master flagged revocable.
     */
    estimate: new AsyncSeriesWaterfallHook<[Resources, OversubscriptionContext]>(["revocable", "context"]),
    /**
     * Once per QoS interval, starting from an empty list. Each tap returns the list with its
     * corrections added; the agent carries them out (only containers on revocable resources).
     */
    qosCorrections: new AsyncSeriesWaterfallHook<[QoSCorrection[], OversubscriptionContext]>(["corrections", "context"]),
  });
}
