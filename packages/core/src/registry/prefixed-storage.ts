import { checkKey, type KvEntry, type Storage, type Versioned } from "./storage.js";

/**
 * A view of another storage under a key prefix: keys are relative to it, and nothing outside it
 * can be read or written. Closing the view leaves the underlying storage open.
 */
export class PrefixedStorage implements Storage {
  constructor(
    private readonly inner: Storage,
    readonly prefix: string,
  ) {
    if (prefix === "") throw new TypeError("registry storage: a prefixed view needs a non-empty prefix");
  }

  async get(key: string): Promise<Versioned | undefined> {
    checkKey("get", key);
    return this.inner.get(this.prefix + key);
  }

  async put(key: string, value: string, expectedVersion?: number): Promise<number> {
    checkKey("put", key);
    return this.inner.put(this.prefix + key, value, expectedVersion);
  }

  async delete(key: string, expectedVersion?: number): Promise<boolean> {
    checkKey("delete", key);
    return this.inner.delete(this.prefix + key, expectedVersion);
  }

  async list(prefix: string): Promise<KvEntry[]> {
    const entries = await this.inner.list(this.prefix + prefix);
    return entries.map((e) => ({ ...e, key: e.key.slice(this.prefix.length) }));
  }

  async close(): Promise<void> {}
}
