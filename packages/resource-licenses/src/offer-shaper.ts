import { providerAgentId, type OfferCandidate, type Resources } from "@tessera/core";
import { visibleTo } from "./pool.js";
import type { PoolProvider } from "./pool-provider.js";

/**
 * The allocation taps: pool units ride along with agent offers (a task needs an agent to run
 * on, so a pool is never offered on its own), only to roles that may see the pool, at most
 * `perOffer` units of a pool per offer. The allocator limits what is added to what the pool
 * still has unallocated, so no unit is in two offers, and counts it in DRF shares and quota.
 */
export class OfferShaper {
  readonly #poolAgents: ReadonlySet<string>;

  constructor(private readonly providers: readonly PoolProvider[]) {
    this.#poolAgents = new Set(providers.map((p) => providerAgentId(p.id)));
  }

  /** filterOffer: veto a pool offered on its own. */
  veto(c: OfferCandidate): string | undefined {
    return this.#poolAgents.has(c.agentId) ? "cluster-wide units are offered together with an agent's resources" : undefined;
  }

  /** beforeOffer: add free pool units the candidate's role may see. */
  shape(c: OfferCandidate): OfferCandidate {
    const free = c.clusterResources;
    if (free === undefined) return c;
    let add: Resources | undefined;
    for (const provider of this.providers) {
      const available = free(provider.id);
      if (available.isEmpty()) continue;
      for (const pool of provider.pools) {
        if (!visibleTo(pool, c.role)) continue;
        const mine = available.named(pool.resource);
        if (mine.isEmpty()) continue;
        const part = pool.offerable(mine);
        add = add === undefined ? part : add.plus(part);
      }
    }
    return add === undefined ? c : { ...c, resources: c.resources.plus(add) };
  }
}
