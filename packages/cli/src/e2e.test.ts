import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The real thing: `tessera up` in a child process, then `tessera run` against it, all from sources.
const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const BIN = fileURLToPath(new URL("./bin.ts", import.meta.url));

function tessera(args: string[]): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", "--conditions=source", BIN, ...args], {
    cwd: REPO,
    env: { ...process.env, TESSERA_MASTER: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

function collect(child: ChildProcess): { out: () => string; err: () => string } {
  let out = "";
  let err = "";
  child.stdout!.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (err += c.toString()));
  return { out: () => out, err: () => err };
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

async function run(master: string, args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const child = tessera(["--master", master, "run", ...args]);
  const io = collect(child);
  const code = await exited(child);
  return { code, out: io.out(), err: io.err() };
}

describe("tessera end to end", () => {
  let up: ChildProcess;
  let upIo: ReturnType<typeof collect>;
  let workDir: string;
  let master: string;

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), "tessera-e2e-"));
    up = tessera(["up", "--agents", "1", "--port", "0", "--work-dir", workDir, "--resources", "cpus:2;mem:1024;disk:1024;ports:[31000-31099]"]);
    upIo = collect(up);
    const started = Date.now();
    while (!/agent 1 {2}http:\/\//.test(upIo.out())) {
      if (up.exitCode !== null) throw new Error(`tessera up exited ${up.exitCode}:\n${upIo.out()}\n${upIo.err()}`);
      if (Date.now() - started > 90_000) throw new Error(`tessera up did not print its URLs:\n${upIo.out()}\n${upIo.err()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    master = /master {3}(http:\/\/\S+)/.exec(upIo.out())![1]!;
  }, 120_000);

  afterAll(async () => {
    if (up && up.exitCode === null) {
      up.kill("SIGINT");
      await exited(up);
    }
    await rm(workDir, { recursive: true, force: true });
  }, 30_000);

  it("runs `echo hello` on the cluster: prints hello and exits 0", async () => {
    const r = await run(master, ["--", "echo", "hello"]);
    expect({ code: r.code, out: r.out }, r.err).toEqual({ code: 0, out: "hello\n" });
    expect(r.err).toMatch(/TASK_FINISHED/);
  }, 90_000);

  it("exits with the task's status: `exit 3` exits 3", async () => {
    const r = await run(master, ["--", "exit 3"]);
    expect(r.code, r.err).toBe(3);
    expect(r.err).toMatch(/TASK_FAILED/);
  }, 90_000);

  it("lists the agent and the finished tasks", async () => {
    const agents = tessera(["--master", master, "agents"]);
    const a = collect(agents);
    expect(await exited(agents)).toBe(0);
    expect(a.out()).toMatch(/^ID\s+HOSTNAME/);
    expect(a.out().trim().split("\n")).toHaveLength(2);
    const tasks = tessera(["--master", master, "tasks"]);
    const t = collect(tasks);
    expect(await exited(tasks)).toBe(0);
    expect(t.out()).toMatch(/TASK_FINISHED/);
    expect(t.out()).toMatch(/TASK_FAILED/);
  }, 120_000);

  it("stops the whole cluster on Ctrl-C and exits 0", async () => {
    up.kill("SIGINT");
    expect(await exited(up)).toBe(0);
    expect(upIo.err()).toContain("SIGINT: stopping");
  }, 30_000);
});

describe("tessera up --demo", () => {
  it("runs the demo framework's six tasks to TASK_FINISHED across two agents", async () => {
    const dir = await mkdtemp(join(tmpdir(), "tessera-demo-"));
    const demo = tessera(["up", "--agents", "2", "--port", "0", "--work-dir", dir, "--demo", "--resources", "cpus:1;mem:512;disk:512;ports:[32000-32099]"]);
    const io = collect(demo);
    try {
      const started = Date.now();
      while (!io.out().includes("all 6 tasks finished")) {
        if (demo.exitCode !== null || Date.now() - started > 150_000) throw new Error(`no demo result:\n${io.out()}\n${io.err()}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(io.out().match(/TASK_FINISHED/g)).toHaveLength(6);
      const agents = new Set([...io.out().matchAll(/launching .* \(agent (\S+)\)/g)].map((m) => m[1]));
      expect(agents.size).toBe(2);
      demo.kill("SIGINT");
      expect(await exited(demo)).toBe(0);
    } finally {
      if (demo.exitCode === null) demo.kill("SIGKILL");
      await rm(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
