import { Resources, type ProviderHolding, type ProviderOperation, type ResourceProvider } from "@tessera/core";
import type { Holding, HoldingsStore } from "./holdings-store.js";
import type { Pool, PoolKind, PoolStatus } from "./pool.js";

/** Provider kinds as the master lists them. */
export const PROVIDER_KINDS: Record<PoolKind, string> = {
  license: "org.tessera.licenses",
  ip: "org.tessera.ip_addresses",
  bandwidth: "org.tessera.bandwidth",
};

/** Provider ids (the `provider_id` of offered resources). */
export const PROVIDER_IDS: Record<PoolKind, string> = {
  license: "licenses",
  ip: "ip-addresses",
  bandwidth: "bandwidth",
};

interface Log {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface ReconcileSummary {
  kept: number;
  freed: Array<{ holder: string; resources: string }>;
  reclaimed: Array<{ holder: string; resources: string }>;
}

/** Operation ids remembered for idempotent apply (the master may retry one). */
const APPLIED_MEMORY = 10_000;

export const holderOf = (frameworkId: string, taskId: string) => `${frameworkId}/${taskId}`;

/**
 * A resource provider for the master over pools of one kind: it answers ALLOCATE and RELEASE
 * from the pools' ledgers, persists every holding before it answers, and after a master
 * failover aligns the ledgers with the tasks the agents re-reported.
 */
export class PoolProvider implements ResourceProvider {
  readonly #byResource = new Map<string, Pool>();
  readonly #holdings = new Map<string, Holding>();
  readonly #applied = new Set<string>();
  readonly #listeners: Array<() => void> = [];
  #store: HoldingsStore | undefined;

  constructor(
    readonly id: string,
    readonly kind: string,
    readonly pools: readonly Pool[],
    private readonly log: Log,
    private readonly now: () => number = Date.now,
  ) {
    for (const p of pools) this.#byResource.set(p.resource, p);
  }

  /** Takes the holdings stored for this provider back into the pools (before the master offers anything). */
  open(store: HoldingsStore | undefined, stored: readonly Holding[] = []): void {
    this.#store = store;
    for (const h of stored) {
      if (h.providerId !== this.id) continue;
      const holder = holderOf(h.frameworkId, h.taskId);
      for (const pool of this.pools) pool.restore(holder, h.resources.named(pool.resource));
      this.#holdings.set(holder, h);
    }
  }

  resources(): Resources {
    let out = Resources.empty();
    for (const p of this.pools) out = out.plus(p.total(this.id));
    return out;
  }

  /** The master re-reads `resources()` whenever `changed` is called. */
  watch(changed: () => void): void {
    this.#listeners.push(changed);
  }

  /** A pool's total changed (e.g. a license server's new count). */
  notify(): void {
    for (const l of this.#listeners) l();
  }

  async apply(op: ProviderOperation): Promise<void> {
    if (this.#applied.has(op.id)) return;
    if (op.type !== "ALLOCATE" && op.type !== "RELEASE") throw new Error(`${op.type} is not supported by ${this.kind} (only tasks take and give back units)`);
    if (op.taskId === undefined) throw new Error(`${op.type} needs a task id`);
    const holder = holderOf(op.frameworkId, op.taskId);
    if (op.type === "ALLOCATE") await this.allocate(holder, op);
    else await this.release(holder, op.frameworkId, op.taskId);
    this.#applied.add(op.id);
    if (this.#applied.size > APPLIED_MEMORY) this.#applied.delete(this.#applied.values().next().value!);
  }

  private async allocate(holder: string, op: ProviderOperation): Promise<void> {
    const res = op.resources.unallocated();
    for (const e of res.entries()) {
      if (e.providerId !== this.id) throw new Error(`${e.name} has provider id ${JSON.stringify(e.providerId ?? null)}, expected "${this.id}"`);
      if (!this.#byResource.has(e.name)) throw new Error(`no pool of ${this.id} provides resource "${e.name}" (it has ${[...this.#byResource.keys()].join(", ")})`);
    }
    if (this.#holdings.has(holder)) throw new Error(`task ${holder} already holds ${this.#holdings.get(holder)!.resources}`);
    for (const pool of this.pools) {
      const part = res.named(pool.resource);
      if (part.isEmpty()) continue;
      const problem = pool.check(holder, part);
      if (problem !== undefined) throw new Error(problem);
    }
    const holding: Holding = { providerId: this.id, frameworkId: op.frameworkId, taskId: op.taskId!, resources: res, since: this.now() };
    for (const pool of this.pools) pool.allocate(holder, res.named(pool.resource));
    this.#holdings.set(holder, holding);
    try {
      await this.#store?.put(holding);
    } catch (e) {
      // Not durable means not granted: a restarted master would hand the units out again.
      this.forget(holder);
      throw new Error(`could not record the holding: ${(e as Error).message}`);
    }
  }

  private async release(holder: string, frameworkId: string, taskId: string): Promise<void> {
    if (!this.#holdings.has(holder)) return;
    this.forget(holder);
    await this.#store?.delete(this.id, frameworkId, taskId);
  }

  private forget(holder: string): void {
    for (const pool of this.pools) pool.release(holder);
    this.#holdings.delete(holder);
  }

  /**
   * After a master failover: `holdings` are the units held by tasks the agents re-reported.
   * Units recorded for tasks that no longer exist are freed; units of tasks that exist but were
   * not recorded are claimed again (whatever the pools say: the task runs) and logged.
   */
  async reconcile(holdings: ProviderHolding[]): Promise<void> {
    const summary: ReconcileSummary = { kept: 0, freed: [], reclaimed: [] };
    const live = new Map<string, ProviderHolding>();
    for (const h of holdings) if (h.taskId !== undefined) live.set(holderOf(h.frameworkId, h.taskId), h);
    for (const [holder, mine] of [...this.#holdings]) {
      if (live.has(holder)) continue;
      this.forget(holder);
      await this.#store?.delete(this.id, mine.frameworkId, mine.taskId);
      summary.freed.push({ holder, resources: mine.resources.toString() });
      this.log.info({ provider: this.id, task: holder, resources: mine.resources.toString() }, "freed units of a task that no longer exists");
    }
    for (const [holder, h] of live) {
      const res = h.resources.unallocated();
      const mine = this.#holdings.get(holder);
      if (mine !== undefined && mine.resources.equals(res)) {
        summary.kept++;
        continue;
      }
      if (mine !== undefined) this.forget(holder);
      const holding: Holding = { providerId: this.id, frameworkId: h.frameworkId, taskId: h.taskId!, resources: res, since: mine?.since ?? this.now() };
      for (const pool of this.pools) pool.restore(holder, res.named(pool.resource));
      this.#holdings.set(holder, holding);
      await this.#store?.put(holding);
      summary.reclaimed.push({ holder, resources: res.toString() });
      this.log.warn(
        { provider: this.id, task: holder, resources: res.toString(), ...(mine && { recorded: mine.resources.toString() }) },
        mine ? "a task holds other units than recorded; took the task's" : "re-claimed units held by a task that were not recorded",
      );
    }
    this.lastReconcile = { ...summary, at: new Date(this.now()).toISOString() };
  }

  /** What the last reconciliation did (undefined before the first). */
  lastReconcile: (ReconcileSummary & { at: string }) | undefined;

  holdings(): Holding[] {
    return [...this.#holdings.values()];
  }

  /** For operators (the master lists it with the provider in /master/state and GET /modules). */
  describe(): { pools: PoolStatus[]; last_reconcile?: ReconcileSummary & { at: string } } {
    return { pools: this.pools.map((p) => p.status()), ...(this.lastReconcile && { last_reconcile: this.lastReconcile }) };
  }
}
