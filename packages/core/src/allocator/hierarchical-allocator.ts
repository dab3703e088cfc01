import type { AgentDescriptor, OfferCandidate } from "../hooks/index.js";
import { Resources, ScalarQuantities, roleProblem, type ResourceEntry } from "../resources/index.js";
import { DEFAULT_MIN_ALLOCATABLE, meetsMinimum, minAllocatableVecs } from "./min-allocatable.js";
import { AgentFilters, refuseMillis, type OfferFilters } from "./offer-filters.js";
import { narrowByLimits, parseQuota, unsatisfied, type Quota, type QuotaInput } from "./quota.js";
import {
  accumulate,
  allocationRoles,
  hasScalar,
  isQuotaScalar,
  limitTo,
  minusClamped,
  needsRoleFiltering,
  shrinkQuotaScalars,
  vecOfResources,
} from "./resource-math.js";
import { Holdings } from "./holdings.js";
import { RoleSorter } from "./role-sorter.js";
import { NameIndex, addInto, dominantShare, isZero, subInto, toMilli, toRecord, type Vec } from "./scalar-vector.js";
import { ShareOrder, type Ranked } from "./share-order.js";
import type {
  AgentId,
  AgentSpec,
  AllocationHookSet,
  AllocationOperation,
  AllocatorOptions,
  FrameworkCapabilities,
  FrameworkId,
  FrameworkShareInfo,
  FrameworkSpec,
  FrameworkUpdate,
  MinAllocatable,
  Offer,
  ResourcesById,
  RoleShareInfo,
} from "./types.js";

/** Agent id of the pool of cluster-wide resources contributed by resource provider `id`. */
export function providerAgentId(providerId: string): AgentId {
  return `provider:${providerId}`;
}

interface RoleClient extends Ranked {
  readonly framework: FrameworkState;
  readonly roleState: RoleState;
  /** Non-revocable scalar allocation of the framework in this role. */
  readonly allocated: Vec;
  subscribed: boolean;
  suppressed: boolean;
  /** Stamp of the (agent, role) pass that last looked at this client. */
  visit: number;
  /** Stamp of the agent scan for which a filter of this client refuses everything on the agent. */
  coveredScan: number;
  /** Live filters of this client over all agents (expired ones count until swept). */
  filterCount: number;
  /** Stamp of the agent scan that saw a filter of this client on the agent. */
  filterScan: number;
}

interface FrameworkState {
  readonly id: FrameworkId;
  /** False for a placeholder: allocations reported by an agent before the framework re-subscribed. */
  added: boolean;
  active: boolean;
  capabilities: FrameworkCapabilities;
  revocable: boolean;
  gpu: boolean;
  readonly clients: Map<string, RoleClient>;
  minAllocatable: Vec[] | Map<string, Vec[]> | undefined;
}

interface RoleState {
  readonly role: string;
  readonly clients: ShareOrder<RoleClient>;
  /** This role, then its ancestors. */
  readonly lineage: readonly RoleState[];
  quota: Quota | undefined;
  /** Subtree quota consumption: unreserved non-revocable allocation plus all reservations. */
  readonly consumed: Vec;
}

interface AgentState {
  readonly id: AgentId;
  readonly descriptor: AgentDescriptor;
  /** Set for a pool of cluster-wide resources (a pseudo-agent). */
  readonly providerId: string | undefined;
  total: Resources;
  totalQ: Vec;
  reservedByRole: Map<string, Vec>;
  available: Resources;
  /** Non-revocable scalars of `available`. */
  readonly availableQ: Vec;
  /** What each framework holds here, allocated form (entries carry their roles). */
  readonly allocated: Holdings<FrameworkState, Resources>;
  active: boolean;
  /** No reservations and nothing revocable: every role may take all of `available`. */
  simple: boolean;
  hasGpus: boolean;
  /**
   * Identifies the content of `available`: it changes when the content does, and comes back
   * when an offer is declined and the agent holds exactly what it held before, so filter
   * checks cached per version survive an offer/decline round trip.
   */
  version: number;
  /** The last non-empty `available` and its version. */
  lastAvailable: Resources;
  lastVersion: number;
  /** Refusals of framework roles on this agent (expired ones are swept lazily). */
  readonly filters: AgentFilters<RoleClient>;
  /** Every eligible framework role refused this agent at (version, epoch) until `blockedUntil`. */
  blockedVersion: number;
  blockedEpoch: number;
  blockedUntil: number;
  /**
   * The last offer made from this agent: unallocated `source` labelled for `role` is
   * `allocated`. Declining it and offering it again then allocates no new Resources.
   */
  cacheRole: string;
  cacheSource: Resources;
  cacheAllocated: Resources;
  /** Non-revocable scalars of `cacheSource`, valid when the agent is `simple`. */
  readonly cacheQ: Vec;
  cycle: number;
  readonly cycleOffers: Offer[];
}

const enum Outcome {
  Skipped,
  Offered,
  /** Nothing on the agent is allocatable to the role: move on to the next role. */
  NothingForRole,
}

const EMPTY = Resources.empty();

function entriesOfById(value: ResourcesById): Array<[string, Resources]> {
  return value instanceof Map ? [...value.entries()] : Object.entries(value as Record<string, Resources>);
}

function topRole(e: ResourceEntry): string | undefined {
  return e.reservations.length === 0 ? undefined : e.reservations[e.reservations.length - 1].role;
}

/**
 * Mesos's HierarchicalAllocatorProcess as a plain, call-driven class: hierarchical DRF over
 * weighted roles, quota guarantees and limits with headroom, reservations, offer filters,
 * suppress/revive, minimum offer sizes, revocable resources, and cluster-wide resource pools.
 * No I/O and no clock: callers pass `now` (ms) where time matters.
 */
export class HierarchicalAllocator {
  private readonly index = new NameIndex();
  private readonly agents = new Map<AgentId, AgentState>();
  private readonly frameworks = new Map<FrameworkId, FrameworkState>();
  private readonly roles = new Map<string, RoleState>();
  private readonly roleSorter = new RoleSorter();
  private readonly hooks: AllocationHookSet | undefined;
  private readonly defaultMinimum: Vec[];
  private readonly filterGpuResources: boolean;
  /** Provider ids that have a pool (pseudo-agent). */
  private readonly providers = new Set<string>();

  /** Non-revocable scalars of every agent's total: what shares are computed against. */
  private readonly totalQ: Vec = [];
  /** Unallocated, unreserved, non-revocable scalars over all agents (Mesos "available headroom"). */
  private readonly headroomQ: Vec = [];
  private clientSharesStale = false;

  private readonly quotaRoles = new Set<RoleState>();
  private requiredHeadroom: Vec = [];
  private requiredNonZero = false;

  /** Bumped whenever the set of eligible framework roles shrinks or grows, or filters are dropped. */
  private epoch = 0;
  private eligibleEpoch = -1;
  private eligibleCount = 0;

  private cycle = 0;
  /** Stamp of the agent scan in progress. */
  private agentScan = 0;
  private versions = 0;
  private stamp = 0;
  private now = 0;
  private offers: Offer[] = [];
  private hookOrders: Map<string, RoleClient[]> | undefined;
  private readonly scratchAll: Vec = [];
  private readonly scratchUnreserved: Vec = [];
  private readonly scratchOffer: Vec = [];

  constructor(options: AllocatorOptions = {}) {
    this.hooks = options.hooks;
    this.defaultMinimum = minAllocatableVecs(this.index, options.minAllocatableResources ?? DEFAULT_MIN_ALLOCATABLE, "minAllocatableResources");
    this.filterGpuResources = options.filterGpuResources ?? true;
  }

  // ---------------------------------------------------------------- agents

  addAgent(id: AgentId, spec: AgentSpec): void {
    const where = `addAgent("${id}")`;
    if (typeof id !== "string" || id.length === 0) throw new Error(`addAgent: agent id must be a non-empty string, got ${JSON.stringify(id)}`);
    if (id.startsWith("provider:")) throw new Error(`${where}: ids starting with "provider:" are reserved for cluster-wide resource pools`);
    this.createAgent(id, spec, undefined, where);
  }

  private createAgent(id: AgentId, spec: AgentSpec, providerId: string | undefined, where: string): AgentState {
    if (this.agents.has(id)) throw new Error(`${where}: agent is already added`);
    if (spec === null || typeof spec !== "object") throw new Error(`${where}: expected { total, ... }, got ${JSON.stringify(spec)}`);
    const total = this.checkUnallocated(spec.total, `${where}: total`);
    const allocated = new Map<FrameworkId, Resources>();
    const pooled: Array<[FrameworkId, Resources]> = [];
    let used = EMPTY;
    for (const [frameworkId, res] of entriesOfById(spec.allocated ?? {})) {
      const fw = this.frameworks.get(frameworkId);
      let labelled = this.withAllocationRoles(res, fw, `${where}: allocated["${frameworkId}"]`);
      // Units of cluster-wide pools held by the agent's tasks (re-registration after a master
      // failover) belong to the pools, not to the agent's total.
      if (this.providers.size > 0 && labelled.entries().some((e) => e.providerId !== undefined && this.providers.has(e.providerId))) {
        pooled.push([frameworkId, labelled.filter((e) => e.providerId !== undefined && this.providers.has(e.providerId))]);
        labelled = labelled.filter((e) => e.providerId === undefined || !this.providers.has(e.providerId));
      }
      allocated.set(frameworkId, labelled);
      used = used.plus(labelled.unallocated());
    }
    if (!total.contains(used)) throw new Error(`${where}: allocated resources ${used} are not all part of the agent's total ${total}`);

    const agent: AgentState = {
      id,
      descriptor: Object.freeze({ id, hostname: spec.hostname ?? "", attributes: Object.freeze({ ...(spec.attributes ?? {}) }) }),
      providerId,
      total: EMPTY,
      totalQ: [],
      reservedByRole: new Map(),
      available: EMPTY,
      availableQ: [],
      allocated: new Holdings(),
      active: true,
      simple: true,
      hasGpus: false,
      version: 0,
      lastAvailable: EMPTY,
      lastVersion: 0,
      filters: new AgentFilters<RoleClient>(),
      blockedVersion: -1,
      blockedEpoch: -1,
      blockedUntil: 0,
      cacheRole: "",
      cacheSource: EMPTY,
      cacheAllocated: EMPTY,
      cacheQ: [],
      cycle: 0,
      cycleOffers: [],
    };
    this.agents.set(id, agent);
    this.applyTotal(agent, total);
    this.setAvailable(agent, total.minus(used));
    for (const [frameworkId, res] of allocated) this.track(this.frameworkOrPlaceholder(frameworkId), agent, res, 1);
    for (const [frameworkId, res] of pooled) {
      for (const providerId of new Set(res.entries().map((e) => e.providerId!))) {
        const pool = this.agents.get(providerAgentId(providerId))!;
        // Tracked even beyond the pool's total (it may have shrunk meanwhile): the task holds them.
        this.track(this.frameworkOrPlaceholder(frameworkId), pool, res.filter((e) => e.providerId === providerId), 1);
        this.recomputeAvailable(pool);
      }
    }
    return agent;
  }

  /** New total resources of an agent (e.g. a changed revocable estimate); allocations stay. */
  updateAgent(id: AgentId, total: Resources): void {
    const agent = this.agent(id, "updateAgent");
    const checked = this.checkUnallocated(total, `updateAgent("${id}"): total`);
    this.applyTotal(agent, checked);
    this.recomputeAvailable(agent);
  }

  removeAgent(id: AgentId): void {
    const agent = this.agent(id, "removeAgent");
    for (const fw of [...agent.allocated.keys]) {
      const res = agent.allocated.get(fw)!;
      this.track(fw, agent, res, -1);
      this.notifyRecovered(fw.id, agent.id, res);
    }
    for (const client of agent.filters.owners) client.filterCount--;
    agent.filters.clear();
    this.setAvailable(agent, EMPTY);
    this.applyTotal(agent, EMPTY);
    this.agents.delete(id);
    if (agent.providerId !== undefined) this.providers.delete(agent.providerId);
  }

  activateAgent(id: AgentId): void {
    this.agent(id, "activateAgent").active = true;
  }

  deactivateAgent(id: AgentId): void {
    this.agent(id, "deactivateAgent").active = false;
  }

  // ------------------------------------------------- cluster-wide resources

  /**
   * Adds resources that belong to no agent (license seats, IP addresses, external bandwidth)
   * to the pool of provider `providerId`. The pool is a pseudo-agent, id `provider:<id>`,
   * offered by DRF like any agent and counted in shares and quota.
   */
  addClusterResources(providerId: string, resources: Resources): void {
    const where = `addClusterResources("${providerId}")`;
    if (typeof providerId !== "string" || providerId.length === 0) throw new Error(`addClusterResources: provider id must be a non-empty string, got ${JSON.stringify(providerId)}`);
    const res = this.checkUnallocated(resources, `${where}: resources`);
    res.entries().forEach((e, i) => {
      if (e.providerId !== providerId) {
        throw new Error(`${where}: resources[${i}] (${e.name}) has provider id ${JSON.stringify(e.providerId ?? null)}, expected "${providerId}"`);
      }
    });
    const id = providerAgentId(providerId);
    const pool = this.agents.get(id);
    if (pool === undefined) {
      this.createAgent(id, { hostname: "", total: res }, providerId, where);
      this.providers.add(providerId);
      return;
    }
    this.applyTotal(pool, pool.total.plus(res));
    this.recomputeAvailable(pool);
  }

  /**
   * Sets the total of provider `providerId`'s pool (its count changed). What frameworks hold
   * stays theirs even beyond the new total; only unallocated units come and go.
   */
  setClusterResources(providerId: string, total: Resources): void {
    const where = `setClusterResources("${providerId}")`;
    const pool = this.agents.get(providerAgentId(providerId));
    if (pool === undefined) {
      if (!total.isEmpty()) this.addClusterResources(providerId, total);
      return;
    }
    const res = this.checkUnallocated(total, `${where}: total`);
    res.entries().forEach((e, i) => {
      if (e.providerId !== providerId) throw new Error(`${where}: total[${i}] (${e.name}) has provider id ${JSON.stringify(e.providerId ?? null)}, expected "${providerId}"`);
    });
    this.applyTotal(pool, res);
    this.recomputeAvailable(pool);
  }

  /** Takes unallocated resources out of a provider's pool (seats returned to the vendor, ...). */
  removeClusterResources(providerId: string, resources: Resources): void {
    const where = `removeClusterResources("${providerId}")`;
    const pool = this.agents.get(providerAgentId(providerId));
    if (pool === undefined) throw new Error(`${where}: provider has no cluster resources`);
    const res = this.checkUnallocated(resources, `${where}: resources`);
    if (!pool.available.contains(res)) throw new Error(`${where}: ${res} is not unallocated in the pool (unallocated: ${pool.available})`);
    this.applyTotal(pool, pool.total.minus(res));
    this.recomputeAvailable(pool);
  }

  // ------------------------------------------------------------ frameworks

  addFramework(id: FrameworkId, spec: FrameworkSpec): void {
    const where = `addFramework("${id}")`;
    if (typeof id !== "string" || id.length === 0) throw new Error(`addFramework: framework id must be a non-empty string, got ${JSON.stringify(id)}`);
    const existing = this.frameworks.get(id);
    if (existing?.added) throw new Error(`${where}: framework is already added`);
    if (spec === null || typeof spec !== "object") throw new Error(`${where}: expected { roles, ... }, got ${JSON.stringify(spec)}`);
    const capabilities = { ...(spec.capabilities ?? {}) };
    const roles = this.checkRoles(spec.roles, capabilities, `${where}: roles`);
    const minimum = this.parseMinimum(spec.minAllocatableResources, roles, `${where}: minAllocatableResources`);
    const suppressed = this.checkSubset(spec.suppressedRoles ?? [], roles, `${where}: suppressedRoles`);

    const fw = existing ?? this.newFramework(id);
    fw.added = true;
    fw.active = spec.active ?? true;
    this.setCapabilities(fw, capabilities);
    fw.minAllocatable = minimum;
    for (const role of roles) this.subscribe(fw, role, suppressed.includes(role));
    this.frameworks.set(id, fw);

    for (const [agentId, res] of entriesOfById(spec.allocated ?? {})) {
      const agent = this.agent(agentId, where);
      const labelled = this.withAllocationRoles(res, fw, `${where}: allocated["${agentId}"]`);
      const held = agent.allocated.get(fw) ?? EMPTY;
      if (held.contains(labelled)) continue; // The agent already reported it.
      const missing = labelled.contains(held) ? labelled.minus(held) : labelled;
      if (!agent.available.contains(missing.unallocated())) {
        throw new Error(`${where}: allocated["${agentId}"]: ${missing} is not available on the agent (available: ${agent.available})`);
      }
      this.takeFromAgent(agent, missing.unallocated());
      this.track(fw, agent, missing, 1);
    }
    this.epoch++;
  }

  /** Forgets a framework; whatever it still holds goes back to the agents. */
  removeFramework(id: FrameworkId): void {
    const fw = this.framework(id, "removeFramework");
    for (const agent of this.agents.values()) {
      const res = agent.allocated.get(fw);
      if (res === undefined) continue;
      this.track(fw, agent, res, -1);
      this.returnToAgent(agent, res.unallocated());
      this.notifyRecovered(fw.id, agent.id, res);
    }
    for (const [role, client] of fw.clients) {
      this.clearFilters(client);
      if (client.subscribed) this.roleSorter.removeFramework(role);
      client.roleState.clients.remove(client);
    }
    this.frameworks.delete(id);
    this.epoch++;
  }

  activateFramework(id: FrameworkId): void {
    this.framework(id, "activateFramework").active = true;
    this.epoch++;
  }

  /** An inactive framework gets no offers; as in Mesos its filters are dropped. */
  deactivateFramework(id: FrameworkId): void {
    const fw = this.framework(id, "deactivateFramework");
    fw.active = false;
    for (const client of fw.clients.values()) this.clearFilters(client);
    this.epoch++;
  }

  updateFramework(id: FrameworkId, update: FrameworkUpdate): void {
    const where = `updateFramework("${id}")`;
    const fw = this.framework(id, where);
    const capabilities = update.capabilities !== undefined ? { ...update.capabilities } : fw.capabilities;
    const current = [...fw.clients.values()].filter((c) => c.subscribed).map((c) => c.roleState.role);
    const roles = update.roles !== undefined ? this.checkRoles(update.roles, capabilities, `${where}: roles`) : current;
    const minimum =
      update.minAllocatableResources !== undefined ? this.parseMinimum(update.minAllocatableResources, roles, `${where}: minAllocatableResources`) : fw.minAllocatable;
    const suppressed = update.suppressedRoles !== undefined ? this.checkSubset(update.suppressedRoles, roles, `${where}: suppressedRoles`) : undefined;

    this.setCapabilities(fw, capabilities);
    fw.minAllocatable = minimum;
    for (const role of current) {
      if (roles.includes(role)) continue;
      // The framework keeps what it holds in the role, but is offered nothing more there.
      const client = fw.clients.get(role)!;
      client.subscribed = false;
      this.clearFilters(client);
      this.roleSorter.removeFramework(role);
    }
    for (const role of roles) {
      const client = fw.clients.get(role);
      if (client === undefined || !client.subscribed) this.subscribe(fw, role, suppressed?.includes(role) ?? false);
      else if (suppressed !== undefined) client.suppressed = suppressed.includes(role);
    }
    this.epoch++;
  }

  /** Stop offering to the framework in `roles` (default: all its roles). */
  suppress(frameworkId: FrameworkId, roles?: readonly string[]): void {
    for (const client of this.clientsOf(frameworkId, roles, "suppress")) client.suppressed = true;
    this.epoch++;
  }

  /** Offer to the framework again in `roles` (default: all its roles) and drop its offer filters there. */
  revive(frameworkId: FrameworkId, roles?: readonly string[]): void {
    for (const client of this.clientsOf(frameworkId, roles, "revive")) {
      client.suppressed = false;
      this.clearFilters(client);
    }
    this.epoch++;
  }

  // ------------------------------------------------------ weights & quota

  updateWeights(weights: ReadonlyArray<{ role: string; weight: number }>): void {
    if (!Array.isArray(weights)) throw new Error(`updateWeights: expected an array of { role, weight }, got ${JSON.stringify(weights)}`);
    weights.forEach((w, i) => {
      const p = typeof w?.role === "string" ? roleProblem(w.role) : "role must be a string";
      if (p !== undefined) throw new Error(`updateWeights[${i}].role: ${p}`);
      if (typeof w.weight !== "number" || !Number.isFinite(w.weight) || w.weight <= 0) {
        throw new Error(`updateWeights[${i}].weight: expected a positive number, got ${JSON.stringify(w.weight)}`);
      }
    });
    for (const { role, weight } of weights) this.roleSorter.setWeight(role, weight);
  }

  /** Sets (or, with neither guarantees nor limits, removes) the quota of `role`. */
  updateQuota(role: string, quota: QuotaInput): void {
    const p = typeof role === "string" ? roleProblem(role) : "role must be a string";
    if (p !== undefined) throw new Error(`updateQuota: ${p}`);
    if (role === "*") throw new Error(`updateQuota: role "*" cannot have a quota`);
    const parsed = parseQuota(this.index, role, quota);
    const rs = this.roleState(role);
    if (!parsed.hasGuarantees && !parsed.hasLimits) {
      rs.quota = undefined;
      this.quotaRoles.delete(rs);
    } else {
      rs.quota = parsed;
      this.quotaRoles.add(rs);
    }
    this.computeRequiredHeadroom();
  }

  // ------------------------------------------------- allocation lifecycle

  /**
   * A framework used offered resources, possibly converting them (RESERVE, UNRESERVE, ...).
   * They stay allocated to it; the unused rest must be handed to {@link recoverResources}.
   */
  updateAllocation(frameworkId: FrameworkId, agentId: AgentId, offered: Resources, operations: readonly AllocationOperation[] = []): void {
    const where = `updateAllocation(framework "${frameworkId}", agent "${agentId}")`;
    const fw = this.framework(frameworkId, where);
    this.agent(agentId, where);
    const used = this.withAllocationRoles(offered, fw, `${where}: offered`);
    for (const [agent, part] of this.route(agentId, used)) {
      const held = agent.allocated.get(fw) ?? EMPTY;
      if (!held.contains(part)) throw new Error(`${where}: ${part} is not allocated to the framework on ${agent.id} (it holds ${held.isEmpty() ? "nothing" : held})`);
    }
    const single = allocationRoles(used);
    const fallbackRole = single.length === 1 ? single[0] : undefined;
    let result = used;
    const conversions: Array<[Resources, Resources]> = [];
    if (!Array.isArray(operations)) throw new Error(`${where}: operations must be an array`);
    operations.forEach((op, i) => {
      const at = `${where}: operations[${i}]`;
      const conversion = this.conversionOf(op, at, fallbackRole);
      if (conversion === undefined) return;
      const [consumed, converted] = conversion;
      if (!result.contains(consumed)) throw new Error(`${at}: ${op.type} needs ${consumed}, which is not among the offered resources (${result})`);
      result = result.minus(consumed).plus(converted);
      conversions.push(conversion);
    });
    for (const [consumed, converted] of conversions) {
      for (const [agent, part] of this.route(agentId, consumed)) {
        this.track(fw, agent, part, -1);
        this.applyTotal(agent, agent.total.minus(part.unallocated()));
      }
      for (const [agent, part] of this.route(agentId, converted)) {
        this.applyTotal(agent, agent.total.plus(part.unallocated()));
        this.track(fw, agent, part, 1);
      }
    }
    if (this.hooks?.accepted.isUsed()) {
      for (const role of allocationRoles(result)) {
        this.hooks.accepted.call({ frameworkId, agentId, role: role!, resources: result.filter((e) => e.allocationRole === role) });
      }
    }
  }

  /**
   * Resources come back from a framework (declined, offer rescinded, task finished). With
   * `filters`, the framework refuses such resources on that agent for `refuseSeconds`
   * (default 5; 0 for none). Unknown frameworks and agents are ignored: removing them
   * already recovered everything.
   */
  recoverResources(frameworkId: FrameworkId, agentId: AgentId, resources: Resources, filters?: OfferFilters, now = this.now): void {
    // Error context is built only on error: this runs once per declined offer.
    const where = recoverWhere;
    let refuseMs: number;
    try {
      refuseMs = refuseMillis(filters);
    } catch (e) {
      throw new Error(`${where(frameworkId, agentId)}: ${(e as Error).message}`);
    }
    if (typeof now !== "number" || !Number.isFinite(now)) checkNow(now, where(frameworkId, agentId));
    const fw = this.frameworks.get(frameworkId);
    const agent = this.agents.get(agentId);
    if (fw === undefined || agent === undefined || resources.isEmpty()) return;
    // Fast path: a decline of the whole last offer of a simple agent, which was left empty.
    if (resources === agent.cacheAllocated && agent.simple && agent.available.isEmpty() && agent.allocated.get(fw) === resources) {
      this.track(fw, agent, resources, -1, agent.cacheQ);
      this.replaceAvailable(agent, agent.cacheSource);
      addInto(agent.availableQ, agent.cacheQ);
      addInto(this.headroomQ, agent.cacheQ);
      const client = fw.clients.get(agent.cacheRole);
      if (refuseMs > 0 && client !== undefined) this.addFilter(agent, client, agent.cacheSource, now + refuseMs);
      this.notifyRecovered(fw.id, agentId, resources);
      return;
    }
    const res = this.withAllocationRoles(resources, fw, `${where(frameworkId, agentId)}: resources`);
    const parts = this.route(agentId, res);
    for (const [holder, part] of parts) {
      const held = holder.allocated.get(fw) ?? EMPTY;
      if (held !== part && !held.contains(part)) {
        throw new Error(`${where(frameworkId, agentId)}: ${part} is not allocated to the framework on ${holder.id} (it holds ${held.isEmpty() ? "nothing" : held})`);
      }
    }
    for (const [holder, part] of parts) {
      this.track(fw, holder, part, -1);
      const wasEmpty = holder.available.isEmpty();
      const unallocated = part === holder.cacheAllocated ? holder.cacheSource : part.unallocated();
      this.returnToAgent(holder, unallocated);
      const roles = allocationRoles(part);
      if (wasEmpty && roles.length === 1) this.setOfferCache(holder, roles[0]!, unallocated, part);
      for (const role of roles) {
        const mine = roles.length === 1 ? part : part.filter((e) => e.allocationRole === role);
        const client = fw.clients.get(role!);
        // A decline refuses the agent it was for; pool units that rode along with its offer are
        // not that agent's, and filters piling up on a pool would be checked by every later offer.
        if (refuseMs > 0 && client !== undefined && (holder === agent || holder.providerId === undefined)) {
          this.addFilter(holder, client, roles.length === 1 ? unallocated : mine.unallocated(), now + refuseMs);
        }
        this.notifyRecovered(fw.id, agentId, mine);
      }
    }
  }

  /** Remembers that `source` labelled for `role` is `allocated` (and its quantities). */
  private setOfferCache(agent: AgentState, role: string, source: Resources, allocated: Resources): void {
    agent.cacheRole = role;
    agent.cacheSource = source;
    agent.cacheAllocated = allocated;
    const q = agent.cacheQ;
    q.fill(0);
    if (agent.simple) accumulate(this.index, source, 1, q, undefined);
  }

  // ------------------------------------------------------------ allocate

  /** One allocation cycle over all active agents; the offered resources stay allocated until recovered. */
  allocate(now: number): Offer[] {
    checkNow(now, "allocate");
    this.now = now;
    this.refreshClientShares();
    this.refreshEligible();
    this.cycle++;
    const offers: Offer[] = (this.offers = []);
    this.hookOrders = this.hooks?.sortFrameworks.isUsed() ? new Map() : undefined;
    this.computeRequiredHeadroom();

    if (this.stageOneNeeded()) {
      for (const agent of this.agents.values()) this.allocateAgent(agent, 1);
    }
    for (const agent of this.agents.values()) this.allocateAgent(agent, 2);
    this.hookOrders = undefined;
    this.offers = [];
    return offers;
  }

  private stageOneNeeded(): boolean {
    for (const rs of this.quotaRoles) {
      if (rs.quota!.hasGuarantees && this.roleSorter.frameworkCount(rs.role) > 0 && !isZero(unsatisfied(rs.quota!, rs.consumed))) return true;
    }
    return false;
  }

  private allocateAgent(agent: AgentState, stage: 1 | 2): void {
    if (!agent.active || agent.available.isEmpty()) return;
    if (agent.blockedVersion === agent.version && agent.blockedEpoch === this.epoch && this.now < agent.blockedUntil) return;
    const scan = (this.agentScan = ++this.stamp);
    if (agent.filters.size > 0 && this.markFiltered(agent, scan)) return;
    const roles = this.roleSorter.order();
    for (let r = 0; r < roles.length; r++) {
      const rs = this.roles.get(roles[r])!;
      if (stage === 1 && (rs.quota === undefined || !rs.quota.hasGuarantees || isZero(unsatisfied(rs.quota, rs.consumed)))) continue;
      const visit = ++this.stamp;
      if (this.hookOrders !== undefined) {
        for (const client of this.hookOrder(rs)) {
          if (client.coveredScan === scan || client.visit === visit) continue;
          client.visit = visit;
          const outcome = this.tryOffer(agent, rs, client, stage);
          if (outcome === Outcome.NothingForRole) break;
          if (outcome === Outcome.Offered && agent.available.isEmpty()) return;
        }
        continue;
      }
      // Walk the DRF order; after an offer the order changed, so start over (visited clients are skipped).
      const chunks = rs.clients.chunks;
      walk: for (let c = 0; c < chunks.length; c++) {
        const chunk = chunks[c];
        for (let j = 0; j < chunk.length; j++) {
          const client = chunk[j];
          if (client.coveredScan === scan || client.visit === visit) continue;
          client.visit = visit;
          const outcome = this.tryOffer(agent, rs, client, stage);
          if (outcome === Outcome.NothingForRole) break walk;
          if (outcome === Outcome.Offered) {
            if (agent.available.isEmpty()) return;
            c = -1;
            continue walk;
          }
        }
      }
    }
  }

  /**
   * Marks, for this scan, the framework roles whose filters refuse everything available on the
   * agent, dropping expired filters on the way. When every eligible framework role is marked,
   * remembers the agent as blocked until the content, the eligible set or a filter changes, and
   * returns true. One pass over the agent's filters replaces a lookup per framework.
   */
  private markFiltered(agent: AgentState, scan: number): boolean {
    const filters = agent.filters;
    const gone = filters.sweep(this.now);
    if (gone !== undefined) for (const client of gone) client.filterCount--;
    const owners = filters.owners;
    const expiries = filters.expiries;
    const available = agent.available;
    const version = agent.version;
    let covering = 0;
    // Until the first covering filter expires (conservative when a client holds several).
    let until = Infinity;
    for (let k = 0; k < owners.length; k++) {
      const client = owners[k];
      client.filterScan = scan;
      if (!filters.coversAvailable(k, available, version)) continue;
      if (expiries[k] < until) until = expiries[k];
      if (client.coveredScan === scan) continue;
      client.coveredScan = scan;
      const fw = client.framework;
      if (client.subscribed && !client.suppressed && fw.active && fw.added) covering++;
    }
    if (covering === 0 || covering < this.eligibleCount) return false;
    agent.blockedVersion = agent.version;
    agent.blockedEpoch = this.epoch;
    agent.blockedUntil = until;
    return true;
  }

  private tryOffer(agent: AgentState, rs: RoleState, client: RoleClient, stage: 1 | 2): Outcome {
    const fw = client.framework;
    if (!client.subscribed || client.suppressed || !fw.active || !fw.added) return Outcome.Skipped;
    if (agent.hasGpus && this.filterGpuResources && !fw.gpu) return Outcome.Skipped;

    let available = agent.available;
    if (!agent.simple) {
      available = available.allocatableTo(rs.role);
      if (available.isEmpty()) return Outcome.NothingForRole;
      if (!fw.revocable) available = available.nonRevocable();
    }
    const toOffer = this.quotaRoles.size > 0 ? this.shapeForQuota(rs, available, stage) : available;
    if (toOffer === undefined || toOffer.isEmpty()) return Outcome.Skipped;

    if (agent.providerId === undefined) {
      // availableQ leaves out revocable amounts, which count towards the minimum.
      let q = agent.availableQ;
      if (!agent.simple || toOffer !== agent.available) {
        q = this.scratchOffer;
        q.fill(0);
        accumulateWithRevocable(this.index, toOffer, q);
      }
      if (!meetsMinimum(q, this.minimumFor(fw, rs.role))) return Outcome.Skipped;
    }

    // Filters that did not cover the whole agent may still refuse this (smaller) offer.
    if (client.filterScan === this.agentScan && agent.filters.refuses(client, toOffer, this.now)) {
      return Outcome.Skipped;
    }
    return this.commit(agent, rs, client, toOffer) ? Outcome.Offered : Outcome.Skipped;
  }

  /** Quota limits, guarantees (stage 1) and headroom for other roles' guarantees (Mesos 1.9+). */
  private shapeForQuota(rs: RoleState, available: Resources, stage: 1 | 2): Resources | undefined {
    const room = this.limitRoom(rs);
    if (stage === 2 && room === undefined && !this.requiredNonZero) return available;
    const quotaPart = available.filter(isQuotaScalar);
    if (stage === 1) {
      const owed = unsatisfied(rs.quota!, rs.consumed);
      const guaranteed = shrinkQuotaScalars(this.index, quotaPart, owed, 0);
      if (guaranteed.isEmpty()) return undefined;
      let extra = guaranteed === quotaPart ? EMPTY : quotaPart.minus(guaranteed);
      if (room !== undefined) subInto(room, vecOfResources(this.index, guaranteed));
      extra = this.limitExtra(extra, room);
      // Reservations of the role itself, non-scalars and revocable resources come along.
      const rest = available.filter((e) => !isQuotaScalar(e) && (e.scalar === undefined || e.revocable || topRole(e) === rs.role));
      return guaranteed.plus(extra).plus(rest);
    }
    const extra = this.limitExtra(quotaPart, room);
    return extra === quotaPart ? available : available.filter((e) => !isQuotaScalar(e)).plus(extra);
  }

  private limitExtra(extra: Resources, room: Vec | undefined): Resources {
    if (extra.isEmpty()) return extra;
    if (room !== undefined) extra = shrinkQuotaScalars(this.index, extra, room, Infinity);
    if (this.requiredNonZero) extra = shrinkQuotaScalars(this.index, extra, this.surplusHeadroom(), 0);
    return extra;
  }

  /** How much more of each name the role may consume under its and its ancestors' limits. */
  private limitRoom(rs: RoleState): Vec | undefined {
    let room: Vec | undefined;
    for (const r of rs.lineage) {
      if (r.quota?.hasLimits) narrowByLimits((room ??= []), r.quota, r.consumed);
    }
    return room;
  }

  private surplusHeadroom(): Vec {
    const n = Math.max(this.headroomQ.length, this.requiredHeadroom.length);
    const out: Vec = new Array<number>(n);
    for (let i = 0; i < n; i++) out[i] = Math.max(0, (this.headroomQ[i] ?? 0) - (this.requiredHeadroom[i] ?? 0));
    return out;
  }

  /** Sum over the top-most roles with guarantees of what they are still owed. */
  private computeRequiredHeadroom(): void {
    const required: Vec = [];
    for (const rs of this.quotaRoles) {
      if (!rs.quota!.hasGuarantees) continue;
      if (rs.lineage.some((r) => r !== rs && r.quota?.hasGuarantees)) continue;
      addInto(required, unsatisfied(rs.quota!, rs.consumed));
    }
    this.requiredHeadroom = required;
    this.requiredNonZero = !isZero(required);
  }

  private commit(agent: AgentState, rs: RoleState, client: RoleClient, toOffer: Resources): boolean {
    const fw = client.framework;
    const role = rs.role;
    let offered: Resources;
    if (agent.cacheSource === toOffer && agent.cacheRole === role) {
      offered = agent.cacheAllocated;
    } else {
      offered = toOffer.allocatedTo(role);
      this.setOfferCache(agent, role, toOffer, offered);
    }
    const hooks = this.hooks;
    let poolParts: Array<[AgentState, Resources]> | undefined;
    if (hooks !== undefined && (hooks.filterOffer.isUsed() || hooks.beforeOffer.isUsed())) {
      const candidate: OfferCandidate = { frameworkId: fw.id, agentId: agent.id, role, resources: offered, agent: agent.descriptor, clusterResources: this.clusterAvailable };
      if (hooks.filterOffer.isUsed()) {
        const veto = hooks.filterOffer.call(candidate);
        if (typeof veto === "string" && veto.length > 0) return false;
      }
      if (hooks.beforeOffer.isUsed()) {
        const changed = hooks.beforeOffer.call(candidate).resources;
        if (changed !== offered) {
          [offered, poolParts] = this.reconcileHookResult(agent, rs, offered, changed);
          if (offered.isEmpty() && poolParts === undefined) return false;
          toOffer = offered.unallocated();
        }
      }
    }
    if (poolParts === undefined && agent.simple && toOffer === agent.available && offered === agent.cacheAllocated) {
      // Fast path: the whole of a simple agent, whose quantities are already known.
      this.track(fw, agent, offered, 1, agent.cacheQ);
      this.replaceAvailable(agent, EMPTY);
      agent.availableQ.fill(0);
      subInto(this.headroomQ, agent.cacheQ);
    } else if (!offered.isEmpty()) {
      this.takeFromAgent(agent, toOffer);
      this.track(fw, agent, offered, 1);
    }
    let all = offered;
    if (poolParts !== undefined) {
      for (const [pool, part] of poolParts) {
        this.takeFromAgent(pool, part.unallocated());
        this.track(fw, pool, part, 1);
        all = all.plus(part);
      }
    }
    if (this.quotaRoles.size > 0) this.computeRequiredHeadroom();
    this.addOffer(agent, fw.id, role, all);
    return true;
  }

  /**
   * What a beforeOffer tap returned, limited to what the allocator holds: agent resources it
   * was given, and cluster-wide resources still unallocated in their providers' pools.
   */
  private reconcileHookResult(agent: AgentState, rs: RoleState, given: Resources, changed: Resources): [Resources, Array<[AgentState, Resources]> | undefined] {
    const role = rs.role;
    const labelled = changed.allocatedTo(role);
    const own = labelled.filter((e) => e.providerId === undefined || !this.providers.has(e.providerId) || e.providerId === agent.providerId);
    let pools: Array<[AgentState, Resources]> | undefined;
    for (const providerId of new Set(labelled.entries().map((e) => e.providerId))) {
      if (providerId === undefined || !this.providers.has(providerId) || providerId === agent.providerId) continue;
      const pool = this.agents.get(providerAgentId(providerId))!;
      if (!pool.active) continue;
      let part = limitTo(
        labelled.filter((e) => e.providerId === providerId),
        pool.available.allocatedTo(role),
      );
      // Pool units added by a tap count against the role's quota limits like any offered unit.
      if (this.quotaRoles.size > 0 && !part.isEmpty()) part = this.limitExtra(part, this.limitRoom(rs));
      if (!part.isEmpty()) (pools ??= []).push([pool, part]);
    }
    return [limitTo(own, given), pools];
  }

  /** Unallocated units of a provider's pool, for beforeOffer taps (empty while the pool is inactive). */
  private readonly clusterAvailable = (providerId: string): Resources => {
    const pool = this.agents.get(providerAgentId(providerId));
    return pool === undefined || !pool.active || pool.providerId === undefined ? EMPTY : pool.available;
  };

  private addOffer(agent: AgentState, frameworkId: FrameworkId, role: string, resources: Resources): void {
    if (agent.cycle !== this.cycle) {
      agent.cycle = this.cycle;
      agent.cycleOffers.length = 0;
    }
    for (const o of agent.cycleOffers) {
      if (o.frameworkId === frameworkId && o.role === role) {
        o.resources = o.resources.plus(resources);
        return;
      }
    }
    const offer: Offer = { frameworkId, agentId: agent.id, role, resources };
    agent.cycleOffers.push(offer);
    this.offers.push(offer);
  }

  /** The sortFrameworks hook decides a role's order once per cycle. */
  private hookOrder(rs: RoleState): RoleClient[] {
    let order = this.hookOrders!.get(rs.role);
    if (order !== undefined) return order;
    const ids = rs.clients.sorted.filter((c) => c.subscribed && c.framework.added).map((c) => c.framework.id);
    const chosen = this.hooks!.sortFrameworks.call(ids, { role: rs.role });
    order = [];
    const seen = new Set<string>();
    for (const id of Array.isArray(chosen) ? chosen : ids) {
      const client = this.frameworks.get(id)?.clients.get(rs.role);
      if (client !== undefined && client.subscribed && !seen.has(id)) {
        seen.add(id);
        order.push(client);
      }
    }
    this.hookOrders!.set(rs.role, order);
    return order;
  }

  // ------------------------------------------------------- read-only state

  /** Non-revocable scalar total of the cluster (agents and cluster-wide pools). */
  totalQuantities(): ScalarQuantities {
    return ScalarQuantities.of(toRecord(this.index, this.totalQ));
  }

  /** Unallocated resources of an agent (or pool), undefined for an unknown id. */
  available(agentId: AgentId): Resources | undefined {
    return this.agents.get(agentId)?.available;
  }

  total(agentId: AgentId): Resources | undefined {
    return this.agents.get(agentId)?.total;
  }

  /** What a framework holds (offered or in use), by agent id; entries carry their roles. */
  allocation(frameworkId: FrameworkId): ReadonlyMap<AgentId, Resources> {
    const out = new Map<AgentId, Resources>();
    const fw = this.frameworks.get(frameworkId);
    if (fw === undefined) return out;
    for (const agent of this.agents.values()) {
      const res = agent.allocated.get(fw);
      if (res !== undefined) out.set(agent.id, res);
    }
    return out;
  }

  /** Everything held, by framework id then agent id, in one pass over the agents. */
  allocations(): Map<FrameworkId, Map<AgentId, Resources>> {
    const out = new Map<FrameworkId, Map<AgentId, Resources>>();
    for (const agent of this.agents.values()) {
      const { keys, values } = agent.allocated;
      for (let i = 0; i < keys.length; i++) {
        let byAgent = out.get(keys[i].id);
        if (byAgent === undefined) out.set(keys[i].id, (byAgent = new Map()));
        byAgent.set(agent.id, values[i]);
      }
    }
    return out;
  }

  /** Every role in the tree with its weighted dominant share. */
  roleShares(): RoleShareInfo[] {
    return this.roleSorter.shares().map((s) => ({ role: s.role, share: s.share, weight: s.weight, allocated: toRecord(this.index, s.allocated) }));
  }

  /** Frameworks holding or subscribed to `role`, in DRF order. */
  frameworkShares(role: string): FrameworkShareInfo[] {
    this.refreshClientShares();
    const rs = this.roles.get(role);
    if (rs === undefined) return [];
    return rs.clients.sorted.map((c) => ({ frameworkId: c.framework.id, share: c.share, allocated: toRecord(this.index, c.allocated) }));
  }

  /** Quota of a role and what its subtree consumes towards it. */
  quota(role: string): { guarantees: Record<string, number>; limits: Record<string, number>; consumed: Record<string, number> } | undefined {
    const rs = this.roles.get(role);
    if (rs?.quota === undefined) return undefined;
    const limits: Record<string, number> = {};
    rs.quota.limits.forEach((m, i) => {
      if (m !== Infinity) limits[this.index.names[i]] = m / 1000;
    });
    return { guarantees: toRecord(this.index, rs.quota.guarantees), limits, consumed: toRecord(this.index, rs.consumed) };
  }

  /** Live offer filters of a framework (all roles, all agents). */
  filterCount(frameworkId: FrameworkId): number {
    let n = 0;
    for (const client of this.frameworks.get(frameworkId)?.clients.values() ?? []) {
      if (client.filterCount === 0) continue;
      for (const agent of this.agents.values()) n += agent.filters.count(client, this.now);
    }
    return n;
  }

  // -------------------------------------------------------------- plumbing

  private agent(id: AgentId, where: string): AgentState {
    const agent = this.agents.get(id);
    if (agent === undefined) throw new Error(`${where}: unknown agent "${id}"`);
    return agent;
  }

  private framework(id: FrameworkId, where: string): FrameworkState {
    const fw = this.frameworks.get(id);
    if (fw === undefined || !fw.added) throw new Error(`${where}: unknown framework "${id}"`);
    return fw;
  }

  private newFramework(id: FrameworkId): FrameworkState {
    return {
      id,
      added: false,
      active: false,
      capabilities: {},
      revocable: false,
      gpu: false,
      clients: new Map(),
      minAllocatable: undefined,
    };
  }

  private frameworkOrPlaceholder(id: FrameworkId): FrameworkState {
    let fw = this.frameworks.get(id);
    if (fw === undefined) {
      fw = this.newFramework(id);
      this.frameworks.set(id, fw);
    }
    return fw;
  }

  private setCapabilities(fw: FrameworkState, capabilities: FrameworkCapabilities): void {
    fw.capabilities = capabilities;
    fw.revocable = capabilities.revocableResources === true;
    fw.gpu = capabilities.gpuResources === true;
  }

  private roleState(role: string): RoleState {
    let rs = this.roles.get(role);
    if (rs !== undefined) return rs;
    const slash = role.lastIndexOf("/");
    const parent = slash > 0 ? this.roleState(role.slice(0, slash)) : undefined;
    const lineage: RoleState[] = [];
    rs = { role, clients: new ShareOrder<RoleClient>(), lineage, quota: undefined, consumed: [] };
    lineage.push(rs, ...(parent?.lineage ?? []));
    this.roles.set(role, rs);
    return rs;
  }

  private client(fw: FrameworkState, role: string): RoleClient {
    let client = fw.clients.get(role);
    if (client !== undefined) return client;
    const roleState = this.roleState(role);
    client = {
      key: fw.id,
      share: 0,
      sortedShare: 0,
      framework: fw,
      roleState,
      allocated: [],
      subscribed: false,
      suppressed: false,
      visit: 0,
      coveredScan: 0,
      filterCount: 0,
      filterScan: 0,
    };
    fw.clients.set(role, client);
    roleState.clients.add(client);
    return client;
  }

  private subscribe(fw: FrameworkState, role: string, suppressed: boolean): void {
    const client = this.client(fw, role);
    client.subscribed = true;
    client.suppressed = suppressed;
    this.roleSorter.addFramework(role);
  }

  private clientsOf(frameworkId: FrameworkId, roles: readonly string[] | undefined, op: string): RoleClient[] {
    const where = `${op}(framework "${frameworkId}")`;
    const fw = this.framework(frameworkId, where);
    const subscribed = [...fw.clients.values()].filter((c) => c.subscribed);
    if (roles === undefined) return subscribed;
    if (!Array.isArray(roles)) throw new Error(`${where}: roles must be an array of role names`);
    return roles.map((role, i) => {
      const client = fw.clients.get(role);
      if (client === undefined || !client.subscribed) throw new Error(`${where}: roles[${i}]: framework is not subscribed to role "${role}"`);
      return client;
    });
  }

  private checkRoles(roles: readonly string[], capabilities: FrameworkCapabilities, where: string): string[] {
    if (!Array.isArray(roles) || roles.length === 0) throw new Error(`${where}: expected a non-empty array of role names`);
    roles.forEach((role, i) => {
      const p = typeof role === "string" ? roleProblem(role) : `expected a string, got ${JSON.stringify(role)}`;
      if (p !== undefined) throw new Error(`${where}[${i}]: ${p}`);
      if (roles.indexOf(role) !== i) throw new Error(`${where}[${i}]: role "${role}" is listed twice`);
    });
    if (roles.length > 1 && capabilities.multiRole !== true) {
      throw new Error(`${where}: a framework without the MULTI_ROLE capability has exactly one role, got ${roles.length}`);
    }
    return [...roles];
  }

  private checkSubset(list: readonly string[], roles: readonly string[], where: string): string[] {
    if (!Array.isArray(list)) throw new Error(`${where}: expected an array of role names`);
    list.forEach((role, i) => {
      if (!roles.includes(role)) throw new Error(`${where}[${i}]: "${role}" is not one of the framework's roles (${roles.join(", ")})`);
    });
    return [...list];
  }

  private parseMinimum(value: MinAllocatable | undefined, roles: readonly string[], where: string): Vec[] | Map<string, Vec[]> | undefined {
    if (value === undefined) return undefined;
    if (Array.isArray(value)) return minAllocatableVecs(this.index, value, where);
    if (value === null || typeof value !== "object") throw new Error(`${where}: expected a list of quantities or a map of role to such lists`);
    const out = new Map<string, Vec[]>();
    for (const [role, alternatives] of Object.entries(value as Record<string, readonly never[]>)) {
      if (!roles.includes(role)) throw new Error(`${where}.${role}: not one of the framework's roles (${roles.join(", ")})`);
      out.set(role, minAllocatableVecs(this.index, alternatives, `${where}.${role}`));
    }
    return out;
  }

  private minimumFor(fw: FrameworkState, role: string): Vec[] {
    const m = fw.minAllocatable;
    if (m === undefined) return this.defaultMinimum;
    if (Array.isArray(m)) return m;
    return (m as Map<string, Vec[]>).get(role) ?? this.defaultMinimum;
  }

  private checkUnallocated(res: Resources, where: string): Resources {
    if (!(res instanceof Resources)) throw new Error(`${where}: expected Resources, got ${res === null ? "null" : typeof res}`);
    res.entries().forEach((e, i) => {
      if (e.allocationRole !== undefined) throw new Error(`${where}[${i}] (${e.name}): must not carry an allocation role, has "${e.allocationRole}"`);
    });
    return res;
  }

  /** Resources a framework holds must say for which role; a single-role framework's may omit it. */
  private withAllocationRoles(res: Resources, fw: FrameworkState | undefined, where: string): Resources {
    if (!(res instanceof Resources)) throw new Error(`${where}: expected Resources, got ${res === null ? "null" : typeof res}`);
    const missing = res.entries().findIndex((e) => e.allocationRole === undefined);
    if (missing < 0) return res;
    const subscribed = fw === undefined ? [] : [...fw.clients.values()].filter((c) => c.subscribed);
    if (subscribed.length !== 1) {
      throw new Error(`${where}[${missing}] (${res.entries()[missing].name}): needs an allocation role (the framework is not known to have exactly one role)`);
    }
    const role = subscribed[0].roleState.role;
    return res.filter((e) => e.allocationRole !== undefined).plus(res.filter((e) => e.allocationRole === undefined).allocatedTo(role));
  }

  private conversionOf(op: AllocationOperation, where: string, fallbackRole: string | undefined): [Resources, Resources] | undefined {
    const label = (res: Resources, field: string): Resources => {
      if (!(res instanceof Resources)) throw new Error(`${where}.${field}: expected Resources`);
      if (res.entries().every((e) => e.allocationRole !== undefined)) return res;
      if (fallbackRole === undefined) throw new Error(`${where}.${field}: resources need an allocation role`);
      return res.allocatedTo(fallbackRole);
    };
    switch (op?.type) {
      case "LAUNCH":
      case "LAUNCH_GROUP":
        return undefined;
      case "RESERVE": {
        const reserved = label(op.resources, "resources");
        if (reserved.entries().some((e) => e.reservations.length === 0)) throw new Error(`${where}: RESERVE resources must carry the reservation to make`);
        return [reserved.popReservation(), reserved];
      }
      case "UNRESERVE": {
        const reserved = label(op.resources, "resources");
        return [reserved, reserved.popReservation()];
      }
      case "CONVERT":
        return [label(op.consumed, "consumed"), label(op.converted, "converted")];
      default:
        throw new Error(`${where}.type: expected LAUNCH, LAUNCH_GROUP, RESERVE, UNRESERVE or CONVERT, got ${JSON.stringify((op as { type?: unknown })?.type)}`);
    }
  }

  /** Splits resources handed in for `agentId` into the agent's own part and cluster-wide pool parts. */
  private route(agentId: AgentId, res: Resources): Array<[AgentState, Resources]> {
    const agent = this.agents.get(agentId)!;
    if (this.providers.size === 0 || res.entries().every((e) => e.providerId === undefined || !this.providers.has(e.providerId))) {
      return [[agent, res]];
    }
    const out: Array<[AgentState, Resources]> = [];
    const own = res.filter((e) => e.providerId === undefined || !this.providers.has(e.providerId) || e.providerId === agent.providerId);
    if (!own.isEmpty()) out.push([agent, own]);
    for (const providerId of this.providers) {
      if (providerId === agent.providerId) continue;
      const part = res.filter((e) => e.providerId === providerId);
      if (!part.isEmpty()) out.push([this.agents.get(providerAgentId(providerId))!, part]);
    }
    return out;
  }

  /**
   * Books an allocation (sign 1) or its release (sign -1): the framework's and the agent's
   * ledgers, DRF shares of the framework in each role and of the roles, and quota consumption.
   */
  private track(fw: FrameworkState, agent: AgentState, res: Resources, sign: 1 | -1, unreservedQ?: Vec): void {
    const held = agent.allocated.get(fw) ?? EMPTY;
    const next = sign === 1 ? held.plus(res) : held === res ? EMPTY : held.minus(res);
    if (next.isEmpty()) agent.allocated.delete(fw);
    else agent.allocated.set(fw, next);
    const entries = res.entries();
    const firstRole = entries.length > 0 ? entries[0].allocationRole : undefined;
    let single = true;
    for (let i = 1; i < entries.length && single; i++) single = entries[i].allocationRole === firstRole;
    if (single) {
      if (firstRole !== undefined) this.trackRole(fw, firstRole, res, sign, unreservedQ);
      return;
    }
    for (const role of allocationRoles(res)) this.trackRole(fw, role!, res.filter((e) => e.allocationRole === role), sign);
  }

  /** `unreservedQ`: quantities of `part` when known to be all unreserved and non-revocable. */
  private trackRole(fw: FrameworkState, role: string, part: Resources, sign: 1 | -1, unreservedQ?: Vec): void {
    let all = unreservedQ;
    let unreserved = unreservedQ;
    if (all === undefined || unreserved === undefined) {
      all = this.scratchAll;
      unreserved = this.scratchUnreserved;
      all.fill(0);
      unreserved.fill(0);
      accumulate(this.index, part, 1, all, unreserved);
    }
    const client = this.client(fw, role);
    const apply = sign === 1 ? addInto : subInto;
    apply(client.allocated, all);
    if (!this.clientSharesStale) {
      client.share = dominantShare(client.allocated, this.totalQ, 1);
      client.roleState.clients.update(client);
    }
    this.roleSorter.allocated(role, all, sign);
    if (!isZero(unreserved)) for (const r of client.roleState.lineage) apply(r.consumed, unreserved);
  }

  private takeFromAgent(agent: AgentState, res: Resources): void {
    this.replaceAvailable(agent, res === agent.available ? EMPTY : agent.available.minus(res));
    accumulate(this.index, res, -1, agent.availableQ, this.headroomQ);
  }

  private returnToAgent(agent: AgentState, res: Resources): void {
    this.replaceAvailable(agent, agent.available.isEmpty() ? res : agent.available.plus(res));
    accumulate(this.index, res, 1, agent.availableQ, this.headroomQ);
  }

  private setAvailable(agent: AgentState, res: Resources): void {
    accumulate(this.index, agent.available, -1, agent.availableQ, this.headroomQ);
    this.replaceAvailable(agent, res);
    accumulate(this.index, res, 1, agent.availableQ, this.headroomQ);
  }

  private replaceAvailable(agent: AgentState, res: Resources): void {
    agent.available = res;
    if (res.isEmpty()) {
      agent.version = ++this.versions;
    } else if (res === agent.lastAvailable || res.equals(agent.lastAvailable)) {
      agent.version = agent.lastVersion;
    } else {
      agent.version = agent.lastVersion = ++this.versions;
      agent.lastAvailable = res;
    }
  }

  /** available = total - allocated, ignoring allocations the total no longer covers. */
  private recomputeAvailable(agent: AgentState): void {
    let used = EMPTY;
    for (const res of agent.allocated.values) used = used.plus(res.unallocated());
    this.setAvailable(agent, minusClamped(agent.total, used));
  }

  /** Replaces an agent's total, keeping cluster totals, reservations (quota) and flags in step. */
  private applyTotal(agent: AgentState, total: Resources): void {
    subInto(this.totalQ, agent.totalQ);
    for (const [role, v] of agent.reservedByRole) for (const r of this.roleState(role).lineage) subInto(r.consumed, v);
    agent.total = total;
    agent.totalQ = vecOfResources(this.index, total);
    agent.reservedByRole = new Map();
    for (const e of total.entries()) {
      const role = topRole(e);
      if (role === undefined || e.scalar === undefined || e.revocable) continue;
      let v = agent.reservedByRole.get(role);
      if (v === undefined) agent.reservedByRole.set(role, (v = []));
      const i = this.index.id(e.name);
      while (v.length <= i) v.push(0);
      v[i] += toMilli(e.scalar);
    }
    for (const [role, v] of agent.reservedByRole) for (const r of this.roleState(role).lineage) addInto(r.consumed, v);
    addInto(this.totalQ, agent.totalQ);
    agent.simple = !needsRoleFiltering(total);
    // The offer cache's quantities are only kept for simple agents: start it afresh.
    agent.cacheRole = "";
    agent.cacheSource = EMPTY;
    agent.cacheAllocated = EMPTY;
    agent.hasGpus = hasScalar(total, "gpus");
    this.roleSorter.setTotal(this.totalQ);
    this.clientSharesStale = true;
  }

  private refreshClientShares(): void {
    if (!this.clientSharesStale) return;
    this.clientSharesStale = false;
    for (const rs of this.roles.values()) {
      for (const c of rs.clients.sorted) c.share = dominantShare(c.allocated, this.totalQ, 1);
      rs.clients.resort();
    }
  }

  private refreshEligible(): void {
    if (this.eligibleEpoch === this.epoch) return;
    this.eligibleEpoch = this.epoch;
    let n = 0;
    for (const fw of this.frameworks.values()) {
      if (!fw.added || !fw.active) continue;
      for (const c of fw.clients.values()) if (c.subscribed && !c.suppressed) n++;
    }
    this.eligibleCount = n;
  }

  private addFilter(agent: AgentState, client: RoleClient, res: Resources, expiresAt: number): void {
    // A fresh decline of everything available covers the agent at its current version.
    agent.filters.add(client, res, expiresAt, res === agent.available ? agent.version : -1);
    client.filterCount++;
  }

  private clearFilters(client: RoleClient): void {
    // Revive is rarer than decline: sweep every agent instead of indexing filters by client.
    if (client.filterCount > 0) {
      for (const agent of this.agents.values()) {
        if (agent.filters.size > 0) client.filterCount -= agent.filters.removeOwner(client);
      }
    }
    this.epoch++;
  }

  private notifyRecovered(frameworkId: FrameworkId, agentId: AgentId, res: Resources): void {
    if (!this.hooks?.recovered.isUsed()) return;
    for (const role of allocationRoles(res)) {
      this.hooks.recovered.call({ frameworkId, agentId, role: role!, resources: res.filter((e) => e.allocationRole === role) });
    }
  }
}

/** Scalar amounts including revocable ones: the minimum offer size counts everything offered. */
function accumulateWithRevocable(index: NameIndex, res: Resources, into: Vec): void {
  for (const e of res.entries()) {
    if (e.scalar === undefined) continue;
    const i = index.id(e.name);
    while (into.length <= i) into.push(0);
    into[i] += toMilli(e.scalar);
  }
}

function recoverWhere(frameworkId: FrameworkId, agentId: AgentId): string {
  return `recoverResources(framework "${frameworkId}", agent "${agentId}")`;
}

function checkNow(now: number, where: string): void {
  if (typeof now !== "number" || !Number.isFinite(now)) throw new Error(`${where}: now must be a finite number of milliseconds, got ${JSON.stringify(now)}`);
}
