import { checkExpected, checkKey, compareKeys, VersionConflictError, type KvEntry, type Storage, type Versioned } from "./storage.js";

/** Storage in a Map, for tests and throwaway masters; same semantics as the durable ones. */
export class MemoryStorage implements Storage {
  private readonly data = new Map<string, Versioned>();
  private revision = 0;
  private closed = false;

  async get(key: string): Promise<Versioned | undefined> {
    this.open("get");
    checkKey("get", key);
    const v = this.data.get(key);
    return v && { ...v };
  }

  async put(key: string, value: string, expectedVersion?: number): Promise<number> {
    this.open("put");
    checkKey("put", key);
    checkExpected("put", key, expectedVersion);
    if (typeof value !== "string") throw new TypeError(`registry storage: put "${key}": value must be a string`);
    this.compare(key, expectedVersion);
    const version = ++this.revision;
    this.data.set(key, { value, version });
    return version;
  }

  async delete(key: string, expectedVersion?: number): Promise<boolean> {
    this.open("delete");
    checkKey("delete", key);
    checkExpected("delete", key, expectedVersion);
    this.compare(key, expectedVersion);
    if (!this.data.has(key)) return false;
    this.data.delete(key);
    this.revision++;
    return true;
  }

  async list(prefix: string): Promise<KvEntry[]> {
    this.open("list");
    const out: KvEntry[] = [];
    for (const [key, v] of this.data) if (key.startsWith(prefix)) out.push({ key, ...v });
    return out.sort((a, b) => compareKeys(a.key, b.key));
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private compare(key: string, expected: number | undefined): void {
    if (expected === undefined) return;
    const actual = this.data.get(key)?.version ?? 0;
    if (actual !== expected) throw new VersionConflictError(key, expected, actual);
  }

  private open(op: string): void {
    if (this.closed) throw new Error(`registry storage: ${op} after close`);
  }
}
