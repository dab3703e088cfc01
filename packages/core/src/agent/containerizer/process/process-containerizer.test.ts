import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { eventually } from "../../../../test/support/eventually.js";
import type { CheckpointedContainer, ContainerLaunch } from "../../../hooks/containerizer.js";
import type { TaskLike } from "../../../hooks/types.js";
import { ProcessContainerizer, type ProcessContainerizerOptions } from "./process-containerizer.js";
import { readProcStat, scanProcesses } from "./procfs.js";

const root = mkdtempSync(join(tmpdir(), "tessera-process-"));
const groups = new Set<number>();
let seq = 0;

afterEach(() => {
  // A failed test must not leave its `sleep 1000` behind: kill the groups this file started.
  for (const g of groups) {
    try {
      process.kill(-g, "SIGKILL");
    } catch {
      // gone
    }
  }
  groups.clear();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function launchOf(command: TaskLike["command"], more: Partial<ContainerLaunch> = {}): ContainerLaunch {
  const id = `c${++seq}`;
  const sandbox = join(root, id);
  mkdirSync(sandbox);
  return {
    containerId: id,
    frameworkId: "fw-1",
    agentId: "agent-1",
    taskId: `task-${id}`,
    task: { task_id: { value: `task-${id}` }, command },
    sandbox,
    plan: { env: {}, mounts: [], labels: {} },
    ...more,
  };
}

async function start(pc: ProcessContainerizer, l: ContainerLaunch) {
  const r = await pc.launch(l);
  groups.add(r.pid!);
  return r;
}

const out = (l: ContainerLaunch, file = "stdout") => readFileSync(join(l.sandbox, file), "utf8");

const POLL = { timeoutMs: 10_000, intervalMs: 20 };

/** Processes of the group that are not zombies. */
const members = (pgid: number) => scanProcesses().filter((p) => p.pgid === pgid && p.state !== "Z");

const checkpointOf = (l: ContainerLaunch, r: { pid?: number; data?: Record<string, unknown> }): CheckpointedContainer => ({
  containerId: l.containerId,
  containerizer: "process",
  taskId: l.taskId,
  frameworkId: l.frameworkId,
  sandbox: l.sandbox,
  ...(r.pid ? { pid: r.pid } : {}),
  ...(r.data ? { data: r.data } : {}),
});

const isRoot = process.getuid?.() === 0;

/** The pid of the launcher that started a task, from the launch's checkpoint data. */
const launcherOf = (r: { data?: Record<string, unknown> }) => (r.data as { supervisorPid: number }).supervisorPid;

// Both ways the launcher starts tasks: posix_spawn (the addon, built here) and fork (no addon).
describe.each<[string, ProcessContainerizerOptions]>([
  ["by posix_spawn", {}],
  ["by fork, without the spawn addon", { spawnAddon: false }],
])("ProcessContainerizer starting tasks %s", (_, mode) => {
  const pc = new ProcessContainerizer({ pollIntervalMs: 50, ...mode });

  it("runs a shell command with stdout in the sandbox and finishes", async () => {
    const l = launchOf({ value: "echo hi; echo oops >&2" });
    await start(pc, l);
    expect(await pc.wait(l.containerId)).toEqual({ exitCode: 0, signal: null, state: "TASK_FINISHED", message: "Command exited with status 0" });
    expect(out(l)).toBe("hi\n");
    expect(out(l, "stderr")).toBe("oops\n");
  });

  it("fails a command that exits non-zero, with its status", async () => {
    const l = launchOf({ value: "exit 3" });
    await start(pc, l);
    expect(await pc.wait(l.containerId)).toMatchObject({ exitCode: 3, signal: null, state: "TASK_FAILED", message: "Command exited with status 3" });
  });

  it("reports a command killed by a signal as such", async () => {
    const l = launchOf({ value: "kill -SEGV $$" });
    await start(pc, l);
    expect(await pc.wait(l.containerId)).toMatchObject({ exitCode: null, signal: "SIGSEGV", state: "TASK_FAILED", message: "Command terminated by signal SIGSEGV" });
  });

  it("gives the task CommandInfo's environment, the plan's on top, the MESOS_* variables and nothing of the supervisor's", async () => {
    const l = launchOf(
      { value: "env", environment: { variables: [{ name: "FROM_TASK", value: "t" }, { name: "BOTH", value: "task" }] } },
      { plan: { env: { FROM_PLAN: "p", BOTH: "plan" }, mounts: [], labels: {} } },
    );
    await start(pc, l);
    await pc.wait(l.containerId);
    const env = Object.fromEntries(out(l).trim().split("\n").map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]));
    expect(env).toMatchObject({
      FROM_TASK: "t",
      FROM_PLAN: "p",
      BOTH: "plan",
      MESOS_SANDBOX: l.sandbox,
      MESOS_TASK_ID: l.taskId,
      MESOS_FRAMEWORK_ID: "fw-1",
      MESOS_AGENT_ID: "agent-1",
    });
    expect(Object.keys(env).sort()).toEqual(["BOTH", "FROM_PLAN", "FROM_TASK", "MESOS_AGENT_ID", "MESOS_FRAMEWORK_ID", "MESOS_SANDBOX", "MESOS_TASK_ID", "PATH", "PWD"]);
  });

  it("execs shell:false commands without a shell, arguments[0] as argv[0]", async () => {
    const l = launchOf({ shell: false, value: "/bin/cat", arguments: ["renamed-cat", "/proc/self/cmdline"] });
    await start(pc, l);
    await pc.wait(l.containerId);
    expect(out(l)).toBe("renamed-cat\0/proc/self/cmdline\0");
    const p = launchOf({ shell: false, value: "/usr/bin/printf", arguments: ["printf", "%s|", "a b", "$HOME", ";"] });
    await start(pc, p);
    await pc.wait(p.containerId);
    expect(out(p)).toBe("a b|$HOME|;|");
  });

  it("prefixes the plan's wrapper", async () => {
    const l = launchOf({ value: 'echo "$WRAPPED"' }, { plan: { env: {}, mounts: [], labels: {}, wrapper: ["/usr/bin/env", "WRAPPED=yes"] } });
    await start(pc, l);
    await pc.wait(l.containerId);
    expect(out(l)).toBe("yes\n");
  });

  it("gives the task its own process group, with the default SIGINT the shell would have ignored", async () => {
    const l = launchOf({ value: "ps -o pgid= -p $$; grep SigIgn /proc/self/status" });
    const { pid } = await start(pc, l);
    await pc.wait(l.containerId);
    const [pgid, ign] = out(l).trim().split("\n");
    expect(Number(pgid)).toBe(pid);
    expect(ign).toBe("SigIgn:\t0000000000000000");
  });

  it("destroys a task that exits on SIGTERM without waiting out the grace period", async () => {
    const l = launchOf({ value: "echo ready; sleep 1000" });
    const { pid } = await start(pc, l);
    await eventually("ready", () => out(l) === "ready\n", POLL);
    const t0 = Date.now();
    await pc.destroy(l.containerId, 20_000);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(await pc.wait(l.containerId)).toMatchObject({ state: "TASK_KILLED", signal: "SIGTERM" });
    expect(members(pid!)).toEqual([]);
  });

  it("kills a task that ignores SIGTERM with SIGKILL once the grace period is over", async () => {
    const l = launchOf({ value: "trap '' TERM; echo ready; while :; do sleep 0.1; done" });
    const { pid } = await start(pc, l);
    await eventually("ready", () => out(l) === "ready\n", POLL);
    const t0 = Date.now();
    await pc.destroy(l.containerId, 500);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(500);
    expect(await pc.wait(l.containerId)).toMatchObject({ state: "TASK_KILLED", signal: "SIGKILL", message: "Command terminated by signal SIGKILL" });
    expect(members(pid!)).toEqual([]);
  });

  it("leaves none of the task's children behind, destroyed or ended", async () => {
    const killed = launchOf({ value: "sleep 1000 & sleep 1000 & echo ready; wait" });
    const a = await start(pc, killed);
    await eventually("ready", () => out(killed) === "ready\n", POLL);
    expect(members(a.pid!).length).toBe(3);
    await pc.destroy(killed.containerId, 1000);
    expect(members(a.pid!)).toEqual([]);

    const exited = launchOf({ value: "sleep 1000 & exit 0" });
    const b = await start(pc, exited);
    expect((await pc.wait(exited.containerId)).state).toBe("TASK_FINISHED");
    await eventually("the group to be gone", () => members(b.pid!).length === 0, { ...POLL, timeoutMs: 2000 });
  });

  it("measures the task's group from /proc", async () => {
    const l = launchOf({ value: "echo ready; while :; do :; done" });
    await start(pc, l);
    await eventually("ready", () => out(l) === "ready\n", POLL);
    await new Promise((r) => setTimeout(r, 300));
    const u = await pc.usage(l.containerId);
    expect(u.processes).toBe(1);
    expect(u.mem_rss_bytes).toBeGreaterThan(0);
    expect(u.cpus_user_time_secs! + u.cpus_system_time_secs!).toBeGreaterThan(0);
    await pc.destroy(l.containerId, 0);
  });

  it("refuses what it cannot run, naming the field", async () => {
    await expect(pc.launch(launchOf(undefined))).rejects.toThrow("task.command: required (the process containerizer runs commands), got none");
    await expect(pc.launch(launchOf({ value: "  " }))).rejects.toThrow("task.command.value: required (the shell command to run), got none");
    await expect(
      pc.launch(launchOf({ value: "true", environment: { variables: [{ name: "A", value: "1" }, { name: "S", type: "SECRET" }] } })),
    ).rejects.toThrow("task.command.environment.variables[1]: SECRET variables are not supported by the process containerizer");
    await expect(pc.launch(launchOf({ shell: false, value: "/bin/echo", arguments: ["echo", 7 as unknown as string] }))).rejects.toThrow(
      "task.command.arguments[1]: expected string, got number",
    );
  });

  it("runs its launcher with the addon only when it has one", async () => {
    const l = launchOf({ value: "true" });
    const cmdline = readFileSync(`/proc/${launcherOf(await start(pc, l))}/cmdline`, "latin1").split("\0");
    await pc.wait(l.containerId);
    expect(cmdline[0]).toBe("tessera-supervisor");
    if (mode.spawnAddon === false) expect(cmdline.at(-2)).toBe("");
    else expect(cmdline.at(-2)).toMatch(/\/tessera_spawn\.node$/);
  });

  it("fails the launch of a missing executable, naming it", async () => {
    const l = launchOf({ shell: false, value: "/no/such/program", arguments: ["program"] });
    await expect(pc.launch(l)).rejects.toThrow(
      mode.spawnAddon === false ? "cannot start the task: spawn /no/such/program ENOENT" : "cannot start the task: posix_spawn /no/such/program: No such file or directory",
    );
  });

  it("looks a bare executable up in the task's PATH", async () => {
    const bin = join(root, `bin-${++seq}`);
    mkdirSync(bin);
    writeFileSync(join(bin, "only-here"), "#!/bin/sh\necho found\n", { mode: 0o755 });
    const l = launchOf({ shell: false, value: "only-here", environment: { variables: [{ name: "PATH", value: `/usr/bin:${bin}` }] } });
    await start(pc, l);
    expect((await pc.wait(l.containerId)).state).toBe("TASK_FINISHED");
    expect(out(l)).toBe("found\n");
  });

  it("gives the task stdin from /dev/null, its two output files and no other descriptor", async () => {
    const l = launchOf({ value: "exec sleep 1000" });
    const { pid } = await start(pc, l);
    await eventually("sleep to run", () => readFileSync(`/proc/${pid}/cmdline`, "latin1").startsWith("sleep"), POLL);
    const fds = Object.fromEntries(readdirSync(`/proc/${pid}/fd`).map((fd) => [fd, readlinkSync(`/proc/${pid}/fd/${fd}`)]));
    const std = { 0: "/dev/null", 1: join(l.sandbox, "stdout"), 2: join(l.sandbox, "stderr") };
    // fork() passes on whatever the launcher inherited without close-on-exec (vitest leaves a pipe).
    if (mode.spawnAddon === false) expect(fds).toMatchObject(std);
    else expect(fds).toEqual(std);
    await pc.destroy(l.containerId, 0);
  });

  it("says so when the supervisor cannot open stdout in the sandbox", async () => {
    const l = launchOf({ value: "true" });
    mkdirSync(join(l.sandbox, "stdout"));
    await expect(pc.launch(l)).rejects.toThrow("process containerizer: cannot open stdout and stderr in the sandbox");
  });

  it("keeps tasks running when the launcher dies, reports their end as unrecorded, and starts a new launcher for the next launch", async () => {
    const l = launchOf({ value: "echo started; while [ ! -e go ]; do sleep 0.05; done; exit 6" });
    const r = await start(pc, l);
    const pid = r.pid;
    await eventually("started", () => out(l) === "started\n", POLL);
    expect(readFileSync(`/proc/${launcherOf(r)}/cmdline`, "latin1")).toMatch(/^tessera-supervisor\0/);
    process.kill(launcherOf(r), "SIGKILL");
    await new Promise((r) => setTimeout(r, 300));
    expect(members(pid!).length).toBeGreaterThan(0);
    writeFileSync(join(l.sandbox, "go"), "");
    // Only the launcher, the task's parent, could have seen its exit status.
    expect(await pc.wait(l.containerId)).toMatchObject({
      exitCode: null,
      state: "TASK_FAILED",
      reason: "REASON_EXECUTOR_TERMINATED",
      message: "the task's supervisor died without recording how the task ended",
    });
    const next = launchOf({ value: "echo again" });
    await start(pc, next);
    expect((await pc.wait(next.containerId)).state).toBe("TASK_FINISHED");
    expect(out(next)).toBe("again\n");
  });

  it("keeps supervising after the agent lets go: the launcher stays the task's parent, reaps it, then exits", async () => {
    const own = new ProcessContainerizer(mode);
    const l = launchOf({ value: "echo started; while [ ! -e go ]; do sleep 0.05; done" });
    const r = await start(own, l);
    await eventually("started", () => out(l) === "started\n", POLL);
    const launcher = (r.data as { supervisorPid: number }).supervisorPid;
    expect(readProcStat(r.pid!)?.ppid).toBe(launcher);
    own.close();
    await new Promise((res) => setTimeout(res, 200));
    expect(readProcStat(r.pid!)?.ppid).toBe(launcher);
    expect(readProcStat(launcher)?.state).not.toBe("Z");
    writeFileSync(join(l.sandbox, "go"), "");
    await eventually("the task to be reaped", () => readProcStat(r.pid!) === undefined, POLL);
    expect(readFileSync(join(l.sandbox, ".tessera-exit-status"), "utf8")).toBe("0\n");
    await eventually("the launcher to exit", () => readProcStat(launcher) === undefined, POLL);
  });

  it("refuses to launch the same container twice and to wait for one it never had", async () => {
    const l = launchOf({ value: "true" });
    await start(pc, l);
    await expect(pc.launch(l)).rejects.toThrow(`container "${l.containerId}" already exists`);
    await expect(pc.wait("nope")).rejects.toThrow('unknown container "nope"');
  });
});

describe("ProcessContainerizer with a spawn addon that will not load", () => {
  it("warns once and starts tasks by fork()", async () => {
    const warnings: string[] = [];
    const addon = join(root, "missing.node");
    const pc = new ProcessContainerizer({ spawnAddon: addon, warn: (m) => warnings.push(m) });
    for (const word of ["one", "two"]) {
      const l = launchOf({ value: `echo ${word}` });
      await start(pc, l);
      expect((await pc.wait(l.containerId)).state).toBe("TASK_FINISHED");
      expect(out(l)).toBe(`${word}\n`);
    }
    expect(warnings).toEqual([`process containerizer: cannot load @tessera/spawn-native (Cannot find module '${addon}'); starting tasks by fork() (slower)`]);
    pc.close();
  });
});

describe("ProcessContainerizer after an agent restart", () => {
  it("re-attaches to a task still running and then sees its real exit code", async () => {
    const before = new ProcessContainerizer();
    const l = launchOf({ value: "echo started; while [ ! -e go ]; do sleep 0.05; done; exit 7" });
    const r = await start(before, l);
    await eventually("started", () => out(l) === "started\n", POLL);

    const after = new ProcessContainerizer({ pollIntervalMs: 50 });
    expect(await after.recover([checkpointOf(l, r)])).toEqual([{ containerId: l.containerId, running: true }]);
    writeFileSync(join(l.sandbox, "go"), "");
    expect(await after.wait(l.containerId)).toMatchObject({ exitCode: 7, state: "TASK_FAILED", message: "Command exited with status 7" });
  });

  it("reports a task that ended while the agent was down, with its exit code", async () => {
    const before = new ProcessContainerizer();
    const l = launchOf({ value: "exit 5" });
    const r = await start(before, l);
    await before.wait(l.containerId);

    const after = new ProcessContainerizer();
    const [rec] = await after.recover([checkpointOf(l, r)]);
    expect(rec).toMatchObject({ containerId: l.containerId, running: false, termination: { exitCode: 5, state: "TASK_FAILED" } });
    expect((await after.wait(l.containerId)).exitCode).toBe(5);
  });

  it("destroys a recovered task, whole group included", async () => {
    const before = new ProcessContainerizer();
    const l = launchOf({ value: "sleep 1000 & echo ready; sleep 1000" });
    const r = await start(before, l);
    await eventually("ready", () => out(l) === "ready\n", POLL);
    const after = new ProcessContainerizer({ pollIntervalMs: 50 });
    await after.recover([checkpointOf(l, r)]);
    await after.destroy(l.containerId, 1000);
    expect(await after.wait(l.containerId)).toMatchObject({ state: "TASK_KILLED" });
    expect(members(r.pid!)).toEqual([]);
  });

  it("does not trust checkpointed data it cannot use", async () => {
    const l = launchOf({ value: "true" });
    const [rec] = await new ProcessContainerizer().recover([checkpointOf(l, { pid: 1, data: { supervisorPid: 1, pgid: 1 } })]);
    expect(rec).toMatchObject({ running: false, termination: { state: "TASK_FAILED", reason: "REASON_EXECUTOR_TERMINATED" } });
  });

  it("does not take a later process group that got the task's id for the task", async () => {
    const stranger = spawn("sleep", ["30"], { detached: true, stdio: "ignore" });
    groups.add(stranger.pid!);
    await eventually("the stranger to start", () => members(stranger.pid!).length === 1, POLL);
    const l = launchOf({ value: "true" });
    const data = { supervisorPid: stranger.pid! + 100_000, supervisorStart: 1, pgid: stranger.pid!, taskStart: 1, bootId: readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim() };
    const after = new ProcessContainerizer({ pollIntervalMs: 50 });
    const [rec] = await after.recover([checkpointOf(l, { pid: stranger.pid!, data })]);
    expect(rec).toMatchObject({ running: false, termination: { state: "TASK_FAILED", message: "the task's supervisor died without recording how the task ended" } });
    await after.destroy(l.containerId, 0);
    expect(members(stranger.pid!).length).toBe(1);
    stranger.kill("SIGKILL");
  });

  it("keeps the task running when the agent process is killed with SIGKILL", async () => {
    const l = launchOf({ value: "echo started; while [ ! -e go ]; do sleep 0.05; done; exit 4" });
    const script = join(root, "agent.mts");
    const module = fileURLToPath(new URL("./process-containerizer.ts", import.meta.url));
    writeFileSync(
      script,
      `const { ProcessContainerizer } = await import(${JSON.stringify(module)});
       const r = await new ProcessContainerizer().launch(${JSON.stringify(l)});
       process.stdout.write(JSON.stringify(r) + "\\n");
       setInterval(() => {}, 1000);`,
    );
    const repo = fileURLToPath(new URL("../../../../../..", import.meta.url));
    const agent: ChildProcess = spawn(process.execPath, ["--import", "tsx", script], { cwd: repo, stdio: ["ignore", "pipe", "inherit"] });
    const launched = await new Promise<{ pid: number; data: Record<string, unknown> }>((resolve, reject) => {
      let buf = "";
      agent.stdout!.on("data", (b: Buffer) => {
        buf += b.toString();
        if (buf.includes("\n")) resolve(JSON.parse(buf));
      });
      agent.on("exit", (code) => reject(new Error(`agent exited early with ${code}`)));
    });
    groups.add(launched.pid);
    await eventually("started", () => out(l) === "started\n", POLL);
    const dead = new Promise((r) => agent.on("exit", r));
    agent.kill("SIGKILL");
    await dead;

    expect(members(launched.pid).length).toBeGreaterThan(0);
    const after = new ProcessContainerizer({ pollIntervalMs: 50 });
    expect(await after.recover([checkpointOf(l, launched)])).toEqual([{ containerId: l.containerId, running: true }]);
    writeFileSync(join(l.sandbox, "go"), "");
    expect(await after.wait(l.containerId)).toMatchObject({ exitCode: 4, state: "TASK_FAILED" });
  });
});

// These need root (namespaces, another user); CI runs as root. By hand without it they skip, loudly.
describe.runIf(isRoot || process.env.TESSERA_SYSTEM_TESTS === "1")("ProcessContainerizer plan isolation (root)", () => {
  const pc = new ProcessContainerizer();

  it("joins the plan's network namespace", async () => {
    const holder = spawn("unshare", ["--net", "sleep", "60"], { stdio: "ignore" });
    await eventually("the namespace holder", () => readlinkSync(`/proc/${holder.pid}/ns/net`) !== readlinkSync("/proc/self/ns/net"), POLL);
    try {
      const netnsPath = `/proc/${holder.pid}/ns/net`;
      const l = launchOf({ value: "readlink /proc/self/ns/net" }, { plan: { env: {}, mounts: [], labels: {}, netnsPath } });
      await start(pc, l);
      await pc.wait(l.containerId);
      expect(out(l).trim()).toBe(readlinkSync(netnsPath));
    } finally {
      holder.kill("SIGKILL");
    }
  });

  it("bind-mounts the plan's mounts, read-only when asked, seen only by the task", async () => {
    const src = join(root, `vol-${++seq}`);
    mkdirSync(src);
    writeFileSync(join(src, "data.txt"), "from the volume");
    const l = launchOf(
      { value: "cat vol/data.txt; echo; touch vol/new 2>/dev/null && echo writable || echo read-only" },
      { plan: { env: {}, mounts: [{ source: src, target: "vol", readOnly: true }], labels: {} } },
    );
    await start(pc, l);
    expect((await pc.wait(l.containerId)).state).toBe("TASK_FINISHED");
    expect(out(l)).toBe("from the volume\nread-only\n");
    expect(readdirSync(join(l.sandbox, "vol"))).toEqual([]);
  });

  it("runs the task as the launch's user", async () => {
    const l = launchOf({ value: "id -un" }, { user: "nobody" });
    await start(pc, l);
    await pc.wait(l.containerId);
    expect(out(l)).toBe("nobody\n");
  });
});
if (!isRoot) console.warn("process-containerizer.test: plan isolation tests skipped: they need root");
