import { AsyncSeriesHook, AsyncSeriesWaterfallHook, SyncHook, SyncWaterfallHook } from "tapable";
import type { Resources } from "../resources/index.js";
import type { TaskLike } from "./types.js";

/** An operation the master asks a provider to carry out on its resources. */
export interface ProviderOperation {
  /** Unique per operation; providers use it to make apply idempotent. */
  id: string;
  providerId: string;
  /** ALLOCATE/RELEASE: a task takes or gives back provider resources; the rest as in Mesos operations. */
  type: "ALLOCATE" | "RELEASE" | "RESERVE" | "UNRESERVE" | "CREATE_VOLUME" | "DESTROY_VOLUME";
  frameworkId: string;
  taskId?: string;
  resources: Resources;
}

/** What the master's registry says a framework holds from a provider. */
export interface ProviderHolding {
  frameworkId: string;
  taskId?: string;
  resources: Resources;
}

/** A source of cluster-wide resources that live on no agent: licenses, IP pools, external volumes. */
export interface ResourceProvider {
  /** Stable across restarts; resources it offers carry it as their provider id. */
  readonly id: string;
  /** e.g. "org.tessera.licenses". */
  readonly kind: string;
  /** What the provider has in total right now; the master offers what is not held. */
  resources(): Resources | Promise<Resources>;
  /** Carry out the operation; reject to refuse it (the message reaches the framework). */
  apply(operation: ProviderOperation): Promise<void>;
  /** After a master failover: align the provider's own state with these holdings. */
  reconcile(holdings: ProviderHolding[]): Promise<void>;
  /**
   * Optional: the master calls it once after registering the provider. The provider calls
   * `changed` whenever `resources()` would return something else (e.g. a license server's new
   * count); the master then re-reads it, rescinds outstanding offers holding units beyond the
   * new total and sets the pool to it. Units running tasks hold stay theirs.
   */
  watch?(changed: () => void): void;
  /** Optional: what operators should see of the provider (in /master/state and GET /modules). */
  describe?(): Record<string, unknown>;
}

/** What a `launchTask` tap is told about the provider units of the task. */
export interface ProviderLaunchContext {
  frameworkId: string;
  agentId: string;
  provider: ResourceProvider;
  /** The task's units of this provider (as allocated by `apply`). */
  resources: Resources;
}

/** Master-side hooks for cluster-wide resource providers. */
export class ResourceProviderHooks {
  readonly hooks = Object.freeze({
    /**
     * Once, when the master starts (before the first allocation). Each tap returns the list
     * with its own providers appended. Duplicate provider ids refuse the start.
     */
    registerProviders: new AsyncSeriesWaterfallHook<[ResourceProvider[]]>(["providers"]),
    /**
     * Before the master hands an operation to `provider.apply`. A tap may throw to refuse it
     * (policy, audit); the error message is the reason the framework sees.
     */
    applyOperation: new AsyncSeriesHook<[ProviderOperation, ResourceProvider]>(["operation", "provider"]),
    /** `provider.apply` succeeded. Notify only. */
    operationApplied: new SyncHook<[ProviderOperation, ResourceProvider]>(["operation", "provider"]),
    /**
     * After a master failover, before `provider.reconcile` runs with the same holdings.
     * A tap may inspect or repair external state; throwing marks the provider unhealthy
     * (its resources are not offered until the next reconciliation succeeds).
     */
    reconcile: new AsyncSeriesHook<[ResourceProvider, ProviderHolding[]]>(["provider", "holdings"]),
    /**
     * A task holding units of `provider` was allocated them and is about to be sent to its
     * agent, once per provider. A tap returns the task with what the agent should see added
     * (labels for isolation hooks, environment variables of its command, e.g. the IP addresses
     * it was given); task_id and resources must stay as they are.
     */
    launchTask: new SyncWaterfallHook<[TaskLike, ProviderLaunchContext]>(["task", "context"]),
  });
}
