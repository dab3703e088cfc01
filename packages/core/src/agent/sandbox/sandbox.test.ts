import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { browse, MAX_READ_BYTES, modeString, readSandboxFile, SandboxError } from "./files.js";
import { createSandbox, SandboxDirectories, sandboxPath } from "./layout.js";
import { lookupUser } from "./users.js";

let work: string;
let box: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), "tessera-sandbox-"));
  box = join(work, "box");
  mkdirSync(box);
  writeFileSync(join(box, "stdout"), "hello world\n");
  writeFileSync(join(work, "secret"), "outside");
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

async function refusal(p: Promise<unknown>): Promise<SandboxError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SandboxError);
  return err as SandboxError;
}

describe("sandbox layout", () => {
  it("lays sandboxes out as Mesos does, under the agent's id", async () => {
    const dir = await new SandboxDirectories(work).create({ agentId: "a-S1", frameworkId: "f1", executorId: "e1", containerId: "c1" });
    expect(dir).toBe(join(work, "slaves", "a-S1", "frameworks", "f1", "executors", "e1", "runs", "c1"));
    expect(statSync(dir).isDirectory()).toBe(true);
  });

  it("refuses ids that would name another directory", () => {
    expect(() => sandboxPath(work, { frameworkId: "..", executorId: "e", containerId: "c" })).toThrow(
      'frameworkId "..": cannot be used as a directory name (".." is not a directory name)',
    );
    expect(() => sandboxPath(work, { frameworkId: "f", executorId: "a/b", containerId: "c" })).toThrow('executorId "a/b": cannot be used as a directory name (contains "/")');
    expect(() => sandboxPath(work, { frameworkId: "f", executorId: "e", containerId: "" })).toThrow("containerId: required");
  });

  it("hands the sandbox to the task's user when the agent runs as root", async () => {
    const dir = await createSandbox(work, { frameworkId: "f", executorId: "e", containerId: "c" }, "nobody");
    const expected = process.getuid?.() === 0 ? lookupUser("nobody")!.uid : process.getuid?.();
    expect(statSync(dir).uid).toBe(expected);
  });
});

describe("readSandboxFile", () => {
  it("answers the size for offset -1, as Mesos /files/read does", async () => {
    expect(await readSandboxFile(box, "stdout", -1)).toEqual({ data: "", offset: 12 });
  });

  it("reads a slice, and up to the end when no length is given", async () => {
    expect(await readSandboxFile(box, "stdout", 6, 5)).toEqual({ data: "world", offset: 6 });
    expect(await readSandboxFile(box, "stdout", 6)).toEqual({ data: "world\n", offset: 6 });
    expect(await readSandboxFile(box, "stdout", 50, 5)).toEqual({ data: "", offset: 12 });
  });

  it("caps one read at 16 pages", async () => {
    writeFileSync(join(box, "big"), "x".repeat(MAX_READ_BYTES * 2));
    expect((await readSandboxFile(box, "big", 0)).data.length).toBe(MAX_READ_BYTES);
  });

  it("refuses '..', absolute paths and symlinks that lead outside", async () => {
    symlinkSync("../secret", join(box, "to-file"));
    symlinkSync(work, join(box, "to-dir"));
    expect((await refusal(readSandboxFile(box, "../secret", 0))).message).toBe('sandbox path "../secret": ".." is not allowed (segment 1)');
    expect((await refusal(readSandboxFile(box, "a/../../secret", 0))).status).toBe(400);
    expect((await refusal(readSandboxFile(box, "/etc/passwd", 0))).message).toBe('sandbox path "/etc/passwd": must be relative to the sandbox, got an absolute path');
    const viaFile = await refusal(readSandboxFile(box, "to-file", 0));
    expect(viaFile.status).toBe(403);
    expect(viaFile.message).toBe('sandbox path "to-file": leads outside the sandbox (through a symlink)');
    expect((await refusal(readSandboxFile(box, "to-dir/secret", 0))).status).toBe(403);
  });

  it("follows a symlink that stays inside the sandbox", async () => {
    mkdirSync(join(box, "logs"));
    symlinkSync("../stdout", join(box, "logs", "latest"));
    expect((await readSandboxFile(box, "logs/latest", 0, 5)).data).toBe("hello");
  });

  it("answers 404 for a missing file and 400 for a directory or a FIFO", async () => {
    expect((await refusal(readSandboxFile(box, "nope", 0))).status).toBe(404);
    expect((await refusal(readSandboxFile(box, "", 0))).message).toBe('sandbox path "": cannot read a directory');
    execFileSync("mkfifo", [join(box, "pipe")]);
    expect((await refusal(readSandboxFile(box, "pipe", 0))).message).toBe('sandbox path "pipe": not a regular file');
  });
});

describe("browse", () => {
  it("lists a directory with Mesos file info, without following symlinks", async () => {
    mkdirSync(join(box, "sub"));
    symlinkSync("/etc/passwd", join(box, "sub", "link"));
    writeFileSync(join(box, "sub", "a.txt"), "abc", { mode: 0o640 });
    const entries = await browse(box, "sub", "/tasks/t1/sub");
    expect(entries.map((e) => [e.path, e.mode[0], e.size])).toEqual([
      ["/tasks/t1/sub/a.txt", "-", 3],
      ["/tasks/t1/sub/link", "l", "/etc/passwd".length],
    ]);
    expect(entries[0]).toMatchObject({ mode: "-rw-r-----", nlink: 1 });
    expect(typeof entries[0]!.uid).toBe("string");
  });

  it("refuses to browse outside the sandbox", async () => {
    symlinkSync(work, join(box, "up"));
    expect((await refusal(browse(box, "up"))).status).toBe(403);
    expect((await refusal(browse(box, ".."))).status).toBe(400);
  });
});

describe("modeString", () => {
  it("prints special bits as ls does", () => {
    expect(modeString(0o40755)).toBe("drwxr-xr-x");
    expect(modeString(0o104755)).toBe("-rwsr-xr-x");
    expect(modeString(0o41777)).toBe("drwxrwxrwt");
    expect(modeString(0o102644)).toBe("-rw-r-Sr--");
  });
});
