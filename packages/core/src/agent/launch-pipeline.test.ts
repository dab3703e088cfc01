import { open, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Containerizer, ContainerTermination } from "../hooks/index.js";
import { AgentHarness } from "./__fixtures__/agent-harness.js";

describe("launch pipeline (isolation and containerization hooks)", () => {
  let h: AgentHarness;
  beforeEach(async () => {
    h = await new AgentHarness().setUp();
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await h.tearDown();
  });

  it("runs prepare, launch, isolate with the pid, then cleanup after the end, and honours the plan", async () => {
    const a = await h.start();
    const calls: string[] = [];
    a.hooks.isolation.prepare.tapPromise("test", async (plan, req) => {
      calls.push(`prepare ${req.taskId} cpus=${req.resources.scalar("cpus")}`);
      return { ...plan, env: { ...plan.env, FROM_ISOLATOR: "yes" } };
    });
    a.hooks.isolation.isolate.tapPromise("test", async (c, pid) => void calls.push(`isolate ${c.taskId} ${typeof pid}`));
    a.hooks.isolation.cleanup.tapPromise("test", async (c) => void calls.push(`cleanup ${c.taskId}`));
    a.hooks.containerization.launched.tap("test", (l) => void calls.push(`launched ${l.taskId}`));
    h.runTask(a.agentId()!, "env", {
      command: { value: 'echo "$FROM_ISOLATOR $FROM_TASK $MESOS_TASK_ID"', environment: { variables: [{ name: "FROM_TASK", value: "t" }] } },
    });
    await h.waitTerminal("env");
    await h.master.waitFor(() => calls.includes("cleanup env"), 5000, "cleanup");
    expect(calls).toEqual(["prepare env cpus=0.1", "launched env", "isolate env number", "cleanup env"]);
    expect(await readFile(join(h.launches[0]!.sandbox, "stdout"), "utf8")).toBe("yes t env\n");
  });

  it("checkpoints a launched container ahead of its TASK_STARTING and TASK_RUNNING, in the same journal write", async () => {
    const a = await h.start();
    const probe = await open(join(h.workDir, "probe"), "w");
    const proto = Object.getPrototypeOf(probe) as { write: (...args: unknown[]) => Promise<unknown> };
    await probe.close();
    const writes: string[] = [];
    const real = proto.write;
    vi.spyOn(proto, "write").mockImplementation(function (this: unknown, ...args: unknown[]) {
      if (Buffer.isBuffer(args[0])) writes.push(args[0].toString("utf8"));
      return real.apply(this, args);
    });
    h.runTask(a.agentId()!, "one", { command: { value: "sleep 5" } });
    await h.waitState("one", "TASK_RUNNING");
    const records = (w: string) => w.trim().split("\n").map((l) => JSON.parse(l) as { type: string; task?: { launched: boolean }; update?: { status: { state: string } } });
    const launched = writes.find((w) => records(w).some((r) => r.type === "TASK" && r.task?.launched));
    expect(launched).toBeDefined();
    expect(records(launched!).map((r) => (r.type === "TASK" ? `TASK launched=${r.task!.launched}` : `${r.type} ${r.update?.status.state}`))).toEqual([
      "TASK launched=true",
      "UPDATE TASK_STARTING",
      "UPDATE TASK_RUNNING",
    ]);
  });

  it("fails the task with REASON_CONTAINER_LAUNCH_FAILED when an isolator refuses to prepare it", async () => {
    const a = await h.start();
    let cleaned = false;
    a.hooks.isolation.prepare.tapPromise("picky", async () => {
      throw new Error("no IP addresses left in pool p1");
    });
    a.hooks.isolation.cleanup.tapPromise("picky", async () => void (cleaned = true));
    h.runTask(a.agentId()!, "t", { command: { value: "true" } });
    const end = await h.waitTerminal("t");
    expect(end.status).toMatchObject({ state: "TASK_FAILED", reason: "REASON_CONTAINER_LAUNCH_FAILED" });
    expect(end.status.message).toContain("no IP addresses left in pool p1");
    expect(h.master.statesOf("t")).toEqual(["TASK_FAILED"]);
    expect(cleaned).toBe(true);
  });

  it("uses the containerizer a selectContainerizer tap picks", async () => {
    const a = await h.start();
    const launched: string[] = [];
    let finish!: (t: ContainerTermination) => void;
    const fake: Containerizer = {
      name: "fake",
      async launch(l) {
        launched.push(l.taskId);
        return { data: { image: "x" } };
      },
      wait: () => new Promise((r) => (finish = r)),
      async destroy() {
        finish({ exitCode: null, signal: "SIGTERM", state: "TASK_KILLED", message: "stopped" });
      },
      async recover() {
        return [];
      },
    };
    a.hooks.containerization.selectContainerizer.tapPromise("docker-ish", async (task) => (task.container ? fake : undefined));
    h.runTask(a.agentId()!, "boxed", { container: { type: "DOCKER", docker: { image: "busybox" } } });
    await h.waitState("boxed", "TASK_RUNNING");
    expect(launched).toEqual(["boxed"]);
    finish({ exitCode: 0, signal: null, state: "TASK_FINISHED", message: "Container exited with status 0" });
    expect((await h.waitTerminal("boxed")).status.message).toBe("Container exited with status 0");
  });

  it("kills a container an isolator reports over its limit, with the isolator's reason", async () => {
    const a = await h.start();
    a.hooks.isolation.watch.tap("mem", (_c, limit) => {
      setTimeout(() => limit({ reason: "REASON_CONTAINER_LIMITATION_MEMORY", message: "Memory limit exceeded: 40MB of 32MB" }), 100);
    });
    h.runTask(a.agentId()!, "hog", { command: { value: "sleep 30" } });
    const end = await h.waitTerminal("hog");
    expect(end.status).toMatchObject({ state: "TASK_FAILED", reason: "REASON_CONTAINER_LIMITATION_MEMORY", message: "Memory limit exceeded: 40MB of 32MB" });
  });

  it("reports a non-zero exit as TASK_FAILED with the exit status in the message", async () => {
    const a = await h.start();
    h.runTask(a.agentId()!, "three", { command: { value: "exit 3" } });
    const end = await h.waitTerminal("three");
    expect(end.status.state).toBe("TASK_FAILED");
    expect(end.status.message).toMatch(/status 3/);
  });
});
