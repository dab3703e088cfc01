// No child_process in this file: reap() takes every ended child of this process, libuv's included.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { addonPath, reap, spawn, type Ended } from "../src/index.js";

const root = mkdtempSync(join(tmpdir(), "spawn-native-"));
let seq = 0;
const started = new Set<number>();
const ended = new Map<number, Ended>();

afterEach(() => {
  for (const pid of started) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // gone
    }
  }
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A fresh working directory and the paths of its output files. */
function box() {
  const dir = join(root, `b${++seq}`);
  mkdirSync(dir);
  return { dir, out: join(dir, "stdout"), err: join(dir, "stderr") };
}

function run(file: string, argv: string[], env: string[], b = box()) {
  const pid = spawn(file, argv, env, b.dir, b.out, b.err);
  started.add(pid);
  return { pid, ...b };
}

async function exitOf(pid: number): Promise<Ended> {
  const end = Date.now() + 10_000;
  while (!ended.has(pid)) {
    for (const e of reap()) ended.set(e.pid, e);
    if (Date.now() > end) throw new Error(`child ${pid} did not end`);
    await new Promise((r) => setTimeout(r, 5));
  }
  started.delete(pid);
  return ended.get(pid)!;
}

/** pid, pgrp and session of a process, from /proc/<pid>/stat. */
function ids(pid: number) {
  const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
  const [, , pgrp, session] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return { pgrp: Number(pgrp), session: Number(session) };
}

const PATH = "PATH=/usr/bin:/bin";

describe("spawn-native", () => {
  it("is built here (CI and this machine have a compiler)", () => {
    expect(addonPath()).toMatch(/\/build\/Release\/tessera_spawn\.node$/);
  });

  it("starts the child in its own session and process group", async () => {
    const { pid } = run("sleep", ["sleep", "30"], [PATH]);
    expect(ids(pid)).toEqual({ pgrp: pid, session: pid });
    expect(ids(process.pid).session).not.toBe(pid);
    process.kill(pid, "SIGKILL");
    await exitOf(pid);
  });

  it("gives the child exactly the given environment, argv[0] included", async () => {
    const t = run("/usr/bin/env", ["whatever-name"], ["A=1", "B=two words", "C="]);
    expect(await exitOf(t.pid)).toEqual({ pid: t.pid, code: 0, signal: null });
    expect(readFileSync(t.out, "utf8")).toBe("A=1\nB=two words\nC=\n");
    const argv0 = run("/bin/sh", ["renamed-sh", "-c", 'echo "$0"'], []);
    await exitOf(argv0.pid);
    expect(readFileSync(argv0.out, "utf8")).toBe("renamed-sh\n");
  });

  it("runs the child in the given working directory", async () => {
    const t = run("/bin/pwd", ["pwd", "-P"], []);
    await exitOf(t.pid);
    expect(readFileSync(t.out, "utf8")).toBe(`${t.dir}\n`);
  });

  it("appends stdout and stderr to their files, creating them 0644, and reads stdin from /dev/null", async () => {
    const b = box();
    writeFileSync(b.out, "before\n");
    const t = run("/bin/sh", ["sh", "-c", "echo out; echo err >&2; cat; readlink /proc/self/fd/0 >&2"], [PATH], b);
    expect((await exitOf(t.pid)).code).toBe(0);
    expect(readFileSync(b.out, "utf8")).toBe("before\nout\n");
    expect(readFileSync(b.err, "utf8")).toBe("err\n/dev/null\n");
    expect(statSync(b.err).mode & 0o777).toBe(0o644 & ~process.umask());
  });

  it("resets every signal to its default and blocks none (Node ignores SIGPIPE)", async () => {
    const t = run("/bin/grep", ["grep", "-E", "^Sig(Ign|Blk)", "/proc/self/status"], []);
    await exitOf(t.pid);
    expect(readFileSync(t.out, "utf8")).toBe("SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n");
  });

  it("leaks none of its own file descriptors into the child", async () => {
    const { pid } = run("sleep", ["sleep", "30"], [PATH]);
    const fds = Object.fromEntries(readdirSync(`/proc/${pid}/fd`).map((fd) => [fd, readlinkSync(`/proc/${pid}/fd/${fd}`)]));
    expect(fds).toEqual({ 0: "/dev/null", 1: join(root, `b${seq}`, "stdout"), 2: join(root, `b${seq}`, "stderr") });
    // What it would have inherited: this process has descriptors above 2 (vitest's IPC channel at least).
    expect(readdirSync("/proc/self/fd").map(Number).some((fd) => fd > 2)).toBe(true);
    process.kill(pid, "SIGKILL");
    await exitOf(pid);
  });

  it("looks a bare name up in the PATH of the child's environment, not this process's", async () => {
    const tools = join(root, "tools");
    mkdirSync(tools);
    writeFileSync(join(tools, "hello-tool"), "#!/bin/sh\necho hello from $0\n");
    chmodSync(join(tools, "hello-tool"), 0o755);
    const t = run("hello-tool", ["hello-tool"], [`PATH=/nonexistent::${tools}`]);
    await exitOf(t.pid);
    expect(readFileSync(t.out, "utf8")).toBe(`hello from ${tools}/hello-tool\n`);

    const ours = process.env.PATH;
    process.env.PATH = `${tools}:${ours}`;
    try {
      expect(() => run("hello-tool", ["hello-tool"], [PATH])).toThrow("posix_spawn hello-tool: No such file or directory");
    } finally {
      process.env.PATH = ours;
    }
  });

  it("resolves relative PATH entries (and an empty one) against the child's working directory", async () => {
    const b = box();
    mkdirSync(join(b.dir, "bin"));
    for (const [where, name] of [["bin", "in-bin"], [".", "in-cwd"]]) {
      writeFileSync(join(b.dir, where!, name!), `#!/bin/sh\necho ${name}\n`);
      chmodSync(join(b.dir, where!, name!), 0o755);
    }
    const a = run("in-bin", ["in-bin"], ["PATH=bin"], b);
    await exitOf(a.pid);
    const c = run("in-cwd", ["in-cwd"], ["PATH=/nonexistent:"], b);
    await exitOf(c.pid);
    expect(readFileSync(b.out, "utf8")).toBe("in-bin\nin-cwd\n");
  });

  it("skips a found file that is not executable, and says so if nothing else is found", () => {
    const b = box();
    writeFileSync(join(b.dir, "not-exec"), "#!/bin/sh\n");
    expect(() => run("not-exec", ["not-exec"], [`PATH=${b.dir}`], b)).toThrow("posix_spawn not-exec: Permission denied");
  });

  it("refuses a missing executable with the errno text and what failed", () => {
    let err: (Error & { code?: string; syscall?: string; path?: string }) | undefined;
    try {
      run("/no/such/program", ["x"], []);
    } catch (e) {
      err = e as Error;
    }
    expect(err?.message).toBe("posix_spawn /no/such/program: No such file or directory");
    expect(err).toMatchObject({ code: "ENOENT", syscall: "posix_spawn", path: "/no/such/program" });
  });

  it("names the working directory or output file when that is what failed", () => {
    const b = box();
    expect(() => spawn("/bin/true", ["true"], [], join(b.dir, "gone"), b.out, b.err)).toThrow(`chdir ${join(b.dir, "gone")}: No such file or directory`);
    expect(() => spawn("/bin/true", ["true"], [], b.dir, b.dir, b.err)).toThrow(`open ${b.dir}: Is a directory`);
    expect(() => spawn("/bin/true", ["true"], [], b.dir, b.out, join(b.dir, "no", "stderr"))).toThrow(`open ${join(b.dir, "no", "stderr")}: No such file or directory`);
  });

  it("refuses arguments of the wrong type, naming which", () => {
    const b = box();
    expect(() => spawn("/bin/true", ["true", 7 as unknown as string], [], b.dir, b.out, b.err)).toThrow("spawn: argv[1] must be a string");
    expect(() => spawn("/bin/true", "true" as unknown as string[], [], b.dir, b.out, b.err)).toThrow("spawn: argv must be an array of strings");
    expect(() => spawn("/bin/true", [], [], b.dir, b.out, b.err)).toThrow("spawn: argv must hold at least argv[0]");
    expect(() => spawn("/bin/true", ["true"], ["A=x\0y"], b.dir, b.out, b.err)).toThrow("spawn: envp[0] contains a NUL byte");
  });

  it("reaps ended children with their exit codes and the signals that killed them", async () => {
    const exits = run("/bin/sh", ["sh", "-c", "exit 7"], []);
    const killed = run("sleep", ["sleep", "30"], [PATH]);
    const alive = run("sleep", ["sleep", "30"], [PATH]);
    process.kill(killed.pid, "SIGTERM");
    expect(await exitOf(exits.pid)).toEqual({ pid: exits.pid, code: 7, signal: null });
    expect(await exitOf(killed.pid)).toEqual({ pid: killed.pid, code: null, signal: 15 });
    expect(ended.has(alive.pid)).toBe(false);
    expect(ids(alive.pid).pgrp).toBe(alive.pid); // still there, not reaped
    process.kill(alive.pid, "SIGKILL");
    expect(await exitOf(alive.pid)).toEqual({ pid: alive.pid, code: null, signal: 9 });
    expect(reap()).toEqual([]);
  });

  it("lets a SIGCHLD handler reap", async () => {
    const got = new Promise<Ended[]>((resolve) => {
      const all: Ended[] = [];
      const onChild = () => {
        all.push(...reap());
        if (all.length === 0) return;
        process.off("SIGCHLD", onChild);
        resolve(all);
      };
      process.on("SIGCHLD", onChild);
    });
    const keep = setInterval(() => undefined, 1000); // a signal listener alone does not keep Node running
    const t = run("/bin/sh", ["sh", "-c", "exit 3"], []);
    expect(await got).toEqual([{ pid: t.pid, code: 3, signal: null }]);
    clearInterval(keep);
    started.delete(t.pid);
  });
});
