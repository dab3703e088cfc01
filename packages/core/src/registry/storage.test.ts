import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { MemoryStorage } from "./memory-storage.js";
import { PrefixedStorage } from "./prefixed-storage.js";
import { SqliteStorage } from "./sqlite-storage.js";
import { VersionConflictError, type Storage } from "./storage.js";

const dirs: string[] = [];
const opened: Storage[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "tessera-registry-"));
  dirs.push(d);
  return d;
}
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const kinds: Array<[string, () => Storage]> = [
  ["MemoryStorage", () => new MemoryStorage()],
  ["SqliteStorage", () => new SqliteStorage(join(tempDir(), "registry.sqlite"))],
];

describe.each(kinds)("%s", (_name, make) => {
  const open = () => {
    const s = make();
    opened.push(s);
    return s;
  };

  it("returns what was put, with a version that changes on every write", async () => {
    const s = open();
    const v1 = await s.put("agents/a1", "one");
    const v2 = await s.put("agents/a1", "two");
    expect(v2).toBeGreaterThan(v1);
    expect(await s.get("agents/a1")).toEqual({ value: "two", version: v2 });
    expect(await s.get("agents/none")).toBeUndefined();
  });

  it("refuses a put whose expected version is stale, and keeps the newer value", async () => {
    const s = open();
    const v1 = await s.put("k", "first");
    const v2 = await s.put("k", "second", v1);
    const stale = s.put("k", "lost update", v1);
    await expect(stale).rejects.toBeInstanceOf(VersionConflictError);
    await expect(stale).rejects.toThrow(`version conflict on "k": expected version ${v1}, found version ${v2}`);
    expect((await s.get("k"))?.value).toBe("second");
  });

  it("treats expected version 0 as 'must not exist yet'", async () => {
    const s = open();
    await s.put("k", "mine", 0);
    await expect(s.put("k", "theirs", 0)).rejects.toThrow(/expected it to be absent, found version \d+/);
    await expect(s.put("other", "x", 5)).rejects.toThrow('version conflict on "other": expected version 5, found no value');
  });

  it("deletes only at the expected version", async () => {
    const s = open();
    const v = await s.put("k", "x");
    await expect(s.delete("k", v + 100)).rejects.toBeInstanceOf(VersionConflictError);
    expect(await s.get("k")).toBeDefined();
    expect(await s.delete("k", v)).toBe(true);
    expect(await s.get("k")).toBeUndefined();
    expect(await s.delete("k")).toBe(false);
  });

  it("never reuses a version after delete and re-create, so an old read cannot win a CAS (ABA)", async () => {
    const s = open();
    const old = await s.put("k", "a");
    await s.delete("k");
    const again = await s.put("k", "b");
    expect(again).not.toBe(old);
    await expect(s.put("k", "c", old)).rejects.toBeInstanceOf(VersionConflictError);
  });

  it("lists exactly the keys under a prefix, in byte order", async () => {
    const s = open();
    for (const k of ["agents/b", "agents/a", "agentsX", "agent", "frameworks/f", "agents/é", "agents/z"]) await s.put(k, k);
    expect((await s.list("agents/")).map((e) => e.key)).toEqual(["agents/a", "agents/b", "agents/z", "agents/é"]);
    expect((await s.list("agents/é")).map((e) => e.value)).toEqual(["agents/é"]);
    expect(await s.list("nothing/")).toEqual([]);
    expect((await s.list("")).length).toBe(7);
  });

  it("rejects an empty key and a malformed expected version with a message naming them", async () => {
    const s = open();
    await expect(s.put("", "x")).rejects.toThrow("put: key must be a non-empty string");
    await expect(s.put("k", "x", -1)).rejects.toThrow('put "k": expectedVersion must be an integer >= 0, got -1');
  });

  it("gives a prefixed view that sees and writes only its own keys", async () => {
    const s = open();
    await s.put("modules/a/seat", "outside");
    const view = new PrefixedStorage(s, "modules/b/");
    const v = await view.put("seat", "inside");
    expect(await view.get("seat")).toEqual({ value: "inside", version: v });
    expect((await s.get("modules/b/seat"))?.value).toBe("inside");
    expect((await view.list("")).map((e) => e.key)).toEqual(["seat"]);
    await view.close();
    expect((await s.get("modules/a/seat"))?.value).toBe("outside");
  });
});

describe("SqliteStorage on disk", () => {
  it("keeps everything, versions included, across close and reopen", async () => {
    const file = join(tempDir(), "registry.sqlite");
    const a = new SqliteStorage(file);
    await a.put("agents/a1", "x");
    const v = await a.put("frameworks/f1", "y");
    await a.close();
    const b = new SqliteStorage(file);
    opened.push(b);
    expect(await b.get("frameworks/f1")).toEqual({ value: "y", version: v });
    expect((await b.list("agents/")).map((e) => e.value)).toEqual(["x"]);
    await expect(b.put("frameworks/f1", "z", v - 1)).rejects.toBeInstanceOf(VersionConflictError);
  });

  it("keeps versions increasing after the newest key was deleted and the file reopened", async () => {
    const file = join(tempDir(), "registry.sqlite");
    const a = new SqliteStorage(file);
    await a.put("a", "1");
    const deletedAt = await a.put("b", "2");
    await a.delete("b");
    await a.close();
    const b = new SqliteStorage(file);
    opened.push(b);
    expect(await b.put("b", "3")).toBeGreaterThan(deletedAt);
  });

  it("keeps an acknowledged put when the writing process is killed with SIGKILL", async () => {
    const dir = tempDir();
    const file = join(dir, "registry.sqlite");
    const script = join(dir, "writer.mts");
    writeFileSync(
      script,
      `const { SqliteStorage } = await import(${JSON.stringify(fileURLToPath(new URL("./sqlite-storage.ts", import.meta.url)))});
       const s = new SqliteStorage(${JSON.stringify(file)});
       const v = await s.put("agents/a1", "durable");
       process.stdout.write("acked " + v + "\\n");
       setInterval(() => {}, 1000);`,
    );
    const root = fileURLToPath(new URL("../../../..", import.meta.url));
    const child = spawn(process.execPath, ["--import", "tsx", script], { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
    const acked = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (b: Buffer) => resolve(b.toString()));
      child.on("exit", (code) => reject(new Error(`writer exited early with ${code}`)));
    });
    expect(acked).toMatch(/^acked \d+/);
    const killed = new Promise((r) => child.on("exit", r));
    child.kill("SIGKILL");
    await killed;
    const s = new SqliteStorage(file);
    opened.push(s);
    expect((await s.get("agents/a1"))?.value).toBe("durable");
  });

  it("says which file it could not open", () => {
    const file = join(tempDir(), "no-such-dir", "registry.sqlite");
    expect(() => new SqliteStorage(file)).toThrow(`cannot open SQLite file ${file}`);
  });
});
