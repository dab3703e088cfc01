import { Resources, z, type Storage } from "@tessera/core";

/** One task's units of one provider, as persisted. */
export interface Holding {
  providerId: string;
  frameworkId: string;
  taskId: string;
  resources: Resources;
  /** ms since the epoch. */
  since: number;
}

const Record = z.strictObject({
  provider_id: z.string().min(1),
  framework_id: z.string().min(1),
  task_id: z.string().min(1),
  resources: z.array(z.unknown()),
  since: z.number(),
});

const PREFIX = "holdings/";
const COUNTS = "license-counts/";

const CountRecord = z.strictObject({ total: z.number().int().min(0), used_outside_cluster: z.number().int().min(0), at: z.number() });

/** A license server's last answer, kept so a restarted master has a count while the server is down. */
export interface StoredCount {
  total: number;
  usedOutsideCluster: number;
  at: number;
}

const keyOf = (providerId: string, frameworkId: string, taskId: string) =>
  `${PREFIX}${encodeURIComponent(providerId)}/${encodeURIComponent(frameworkId)}/${encodeURIComponent(taskId)}`;

/**
 * What each task holds of the module's pools, one key per (provider, task) in the module's own
 * namespace of the master's registry, so holdings survive a master restart. Every write
 * resolves once durable; the master waits for ALLOCATE before it launches the task.
 */
export class HoldingsStore {
  constructor(private readonly storage: Storage) {}

  /** Every holding stored; a value that does not read back refuses the start, naming its key. */
  async load(): Promise<Holding[]> {
    const entries = await this.storage.list(PREFIX);
    return entries.map((e) => {
      let json: unknown;
      try {
        json = JSON.parse(e.value);
      } catch (err) {
        throw new Error(`holdings store: ${e.key}: not JSON (${(err as Error).message})`);
      }
      const parsed = Record.safeParse(json);
      if (!parsed.success) {
        throw new Error(`holdings store: ${e.key}: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(top level)"}: ${i.message}`).join("; ")}`);
      }
      const r = parsed.data;
      return {
        providerId: r.provider_id,
        frameworkId: r.framework_id,
        taskId: r.task_id,
        resources: Resources.fromJSON(r.resources, `holdings store: ${e.key}: resources`),
        since: r.since,
      };
    });
  }

  /** Last known license server counts by pool; unreadable ones are skipped (the server answers again). */
  async loadCounts(): Promise<Map<string, StoredCount>> {
    const out = new Map<string, StoredCount>();
    for (const e of await this.storage.list(COUNTS)) {
      try {
        const r = CountRecord.parse(JSON.parse(e.value));
        out.set(decodeURIComponent(e.key.slice(COUNTS.length)), { total: r.total, usedOutsideCluster: r.used_outside_cluster, at: r.at });
      } catch {
        // A count is a cache of the server's answer, not state to refuse a start over.
      }
    }
    return out;
  }

  async putCount(pool: string, c: StoredCount): Promise<void> {
    await this.storage.put(COUNTS + encodeURIComponent(pool), JSON.stringify({ total: c.total, used_outside_cluster: c.usedOutsideCluster, at: c.at }));
  }

  async put(h: Holding): Promise<void> {
    const value = JSON.stringify({
      provider_id: h.providerId,
      framework_id: h.frameworkId,
      task_id: h.taskId,
      resources: h.resources.toJSON(),
      since: h.since,
    });
    await this.storage.put(keyOf(h.providerId, h.frameworkId, h.taskId), value);
  }

  async delete(providerId: string, frameworkId: string, taskId: string): Promise<void> {
    await this.storage.delete(keyOf(providerId, frameworkId, taskId));
  }
}
