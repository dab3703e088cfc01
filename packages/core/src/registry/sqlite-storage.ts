import Database from "better-sqlite3";
import { checkExpected, checkKey, VersionConflictError, type KvEntry, type Storage, type Versioned } from "./storage.js";

type Row = { key: Buffer; value: string | null; version: number };

/**
 * Storage in one SQLite table (better-sqlite3, WAL). Each write is its own transaction with
 * synchronous=FULL, so a put that resolved survives SIGKILL and power loss. Keys are BLOBs so
 * range scans order bytes exactly as etcd does. A delete leaves a tombstone (value NULL) that keeps
 * the store-wide revision monotonic; older tombstones are dropped when the file is opened.
 */
export class SqliteStorage implements Storage {
  private readonly db: Database.Database;
  private readonly stmt: {
    get: Database.Statement<[Buffer], Row>;
    upsert: Database.Statement<[Buffer, string | null, number]>;
    maxVersion: Database.Statement<[], { v: number | null }>;
    range: Database.Statement<[Buffer, Buffer], Row>;
    from: Database.Statement<[Buffer], Row>;
  };
  private readonly write: (key: string, value: string | null, expected: number | undefined) => number;

  /** Opens (creating if needed) the SQLite file at `file`, e.g. `<master work dir>/registry.sqlite`. */
  constructor(readonly file: string) {
    try {
      this.db = new Database(file);
      this.db.pragma("journal_mode = WAL");
      this.db.pragma("synchronous = FULL");
      this.db.exec(
        `CREATE TABLE IF NOT EXISTS registry (key BLOB PRIMARY KEY, value TEXT, version INTEGER NOT NULL) WITHOUT ROWID;
         CREATE INDEX IF NOT EXISTS registry_version ON registry (version);
         DELETE FROM registry WHERE value IS NULL AND version < (SELECT max(version) FROM registry);`,
      );
    } catch (err) {
      throw new Error(`registry storage: cannot open SQLite file ${file}: ${(err as Error).message}`);
    }
    this.stmt = {
      get: this.db.prepare("SELECT key, value, version FROM registry WHERE key = ?"),
      upsert: this.db.prepare(
        "INSERT INTO registry (key, value, version) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, version = excluded.version",
      ),
      maxVersion: this.db.prepare("SELECT max(version) AS v FROM registry"),
      range: this.db.prepare("SELECT key, value, version FROM registry WHERE key >= ? AND key < ? AND value IS NOT NULL ORDER BY key"),
      from: this.db.prepare("SELECT key, value, version FROM registry WHERE key >= ? AND value IS NOT NULL ORDER BY key"),
    };
    const tx = this.db.transaction((key: string, value: string | null, expected: number | undefined): number => {
      const k = Buffer.from(key, "utf8");
      const row = this.stmt.get.get(k);
      const actual = row && row.value !== null ? row.version : 0;
      if (expected !== undefined && actual !== expected) throw new VersionConflictError(key, expected, actual);
      if (value === null && actual === 0) return 0;
      const version = (this.stmt.maxVersion.get()?.v ?? 0) + 1;
      this.stmt.upsert.run(k, value, version);
      return version;
    });
    // IMMEDIATE takes the write lock before the read, so the compare and the write are one step.
    this.write = (key, value, expected) => tx.immediate(key, value, expected);
  }

  async get(key: string): Promise<Versioned | undefined> {
    checkKey("get", key);
    const row = this.stmt.get.get(Buffer.from(key, "utf8"));
    return row && row.value !== null ? { value: row.value, version: row.version } : undefined;
  }

  async put(key: string, value: string, expectedVersion?: number): Promise<number> {
    checkKey("put", key);
    checkExpected("put", key, expectedVersion);
    if (typeof value !== "string") throw new TypeError(`registry storage: put "${key}": value must be a string`);
    return this.write(key, value, expectedVersion);
  }

  async delete(key: string, expectedVersion?: number): Promise<boolean> {
    checkKey("delete", key);
    checkExpected("delete", key, expectedVersion);
    return this.write(key, null, expectedVersion) !== 0;
  }

  async list(prefix: string): Promise<KvEntry[]> {
    const lo = Buffer.from(prefix, "utf8");
    const hi = successor(lo);
    const rows = hi ? this.stmt.range.all(lo, hi) : this.stmt.from.all(lo);
    return rows.map((r) => ({ key: r.key.toString("utf8"), value: r.value as string, version: r.version }));
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

/** The smallest byte string greater than every string starting with `prefix`; undefined if none. */
function successor(prefix: Buffer): Buffer | undefined {
  let end = prefix.length;
  while (end > 0 && prefix[end - 1] === 0xff) end--;
  if (end === 0) return undefined;
  const out = Buffer.from(prefix.subarray(0, end));
  out[end - 1]! += 1;
  return out;
}
