// The registry's storage contract: a versioned key-value store small enough that SQLite (embedded)
// and etcd (HA: put/get/txn on mod_revision) both satisfy it.

/** One stored value and the version it was written at. */
export interface Versioned {
  value: string;
  /**
   * Changes on every write of the key and never repeats for it, even across delete and re-create
   * (a store-wide revision, like etcd's mod_revision), so a compare-and-swap cannot be fooled by ABA.
   */
  version: number;
}

export interface KvEntry extends Versioned {
  key: string;
}

export interface Storage {
  get(key: string): Promise<Versioned | undefined>;
  /**
   * Stores `value`; resolves with the new version once it is durable.
   * `expectedVersion`: omitted writes unconditionally, 0 requires the key to be absent, n requires
   * the stored version to be n; otherwise rejects with VersionConflictError and writes nothing.
   */
  put(key: string, value: string, expectedVersion?: number): Promise<number>;
  /** Resolves true when something was deleted; `expectedVersion` as for put (0: must be absent). */
  delete(key: string, expectedVersion?: number): Promise<boolean>;
  /** Every entry whose key starts with `prefix`, ordered by key (UTF-8 byte order, as etcd). */
  list(prefix: string): Promise<KvEntry[]>;
  close(): Promise<void>;
}

/** A compare-and-swap found another version than the caller read: someone else wrote first. */
export class VersionConflictError extends Error {
  override readonly name = "VersionConflictError";

  constructor(
    readonly key: string,
    readonly expected: number,
    /** 0 when the key is absent. */
    readonly actual: number,
  ) {
    const want = expected === 0 ? "it to be absent" : `version ${expected}`;
    const found = actual === 0 ? "no value" : `version ${actual}`;
    super(`registry storage: version conflict on "${key}": expected ${want}, found ${found}`);
  }
}

/** Throws unless `key` can be stored; `op` names the call in the message. */
export function checkKey(op: string, key: string): void {
  if (typeof key !== "string" || key === "") throw new TypeError(`registry storage: ${op}: key must be a non-empty string`);
}

/** Throws unless `expected` is a valid expectedVersion (undefined, or an integer >= 0). */
export function checkExpected(op: string, key: string, expected: number | undefined): void {
  if (expected === undefined) return;
  if (!Number.isSafeInteger(expected) || expected < 0) {
    throw new TypeError(`registry storage: ${op} "${key}": expectedVersion must be an integer >= 0, got ${String(expected)}`);
  }
}

/** Byte-wise comparison of UTF-8 keys: the order SQLite BLOB keys and etcd use. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}
