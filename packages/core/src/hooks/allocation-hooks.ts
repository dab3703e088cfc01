import { SyncBailHook, SyncHook, SyncWaterfallHook } from "tapable";
import type { Resources } from "../resources/index.js";
import type { AgentDescriptor } from "./types.js";

/** Resources of one agent the allocator is about to offer to one framework. */
export interface OfferCandidate {
  frameworkId: string;
  agentId: string;
  /** The role the resources are allocated to. */
  role: string;
  resources: Resources;
  agent: AgentDescriptor;
  /**
   * Unallocated units of resource provider `providerId`'s cluster-wide pool (empty if it has
   * none, or while it is withheld). A beforeOffer tap may add some of them to `resources`; the
   * allocator keeps only what the pool still has and the role's quota allows. Set by the allocator.
   */
  clusterResources?: (providerId: string) => Resources;
}

/** Resources held by a framework on an agent under a role. */
export interface Allocation {
  frameworkId: string;
  agentId: string;
  role: string;
  resources: Resources;
}

/** Where the allocator's decisions pass through policies. All hooks are synchronous: they run on the allocation hot path. */
export class AllocationHooks {
  readonly hooks = Object.freeze({
    /**
     * Once per role per allocation cycle, after DRF has ordered the role's frameworks.
     * A tap returns the ids in the order offers should be made (it may reorder, or drop a
     * framework to skip it this cycle; ids it adds that are not subscribed are ignored).
     */
    sortFrameworks: new SyncWaterfallHook<[string[], { role: string }]>(["frameworkIds", "context"]),
    /**
     * Before each offer candidate becomes an offer. Returning a non-empty string vetoes the
     * offer (the string is the reason, logged and counted); returning undefined lets the next
     * tap decide. The first veto wins; the resources stay unallocated for this cycle.
     */
    filterOffer: new SyncBailHook<[OfferCandidate], string | undefined>(["candidate"]),
    /**
     * After filterOffer let the candidate through. A tap returns the candidate to offer and
     * may shrink its resources (never grow them beyond what was passed in: the allocator
     * offers only what it holds and ignores the excess).
     */
    beforeOffer: new SyncWaterfallHook<[OfferCandidate]>(["candidate"]),
    /** A framework accepted (part of) an offer: these resources are now allocated. Notify only. */
    accepted: new SyncHook<[Allocation]>(["allocation"]),
    /** Allocated resources came back (declined, rescinded, task ended, agent removed). Notify only. */
    recovered: new SyncHook<[Allocation]>(["allocation"]),
  });
}
