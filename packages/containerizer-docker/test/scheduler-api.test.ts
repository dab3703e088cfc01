// End to end: a real master and agent (this package loaded from a modules config), a framework on
// the Mesos v1 scheduler API, containers on the real Docker Engine.
import { rm } from "node:fs/promises";
import { join } from "node:path";
import type { AgentHandle, RunningMaster } from "@tessera/core";
import { eventually } from "@tessera/testkit";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanup, containersOf, dockerPrerequisites, freePort, IMAGE, okBody, POLL } from "../src/__fixtures__/docker-env.js";
import { LABELS } from "../src/labels.js";
import { sandboxFile, sandboxOf, startTestAgent, startTestMaster } from "./fixtures/cluster.js";
import { TestFramework } from "./fixtures/framework.js";

const { run } = dockerPrerequisites("containerizer-docker: end to end through the scheduler API");

const docker = (extra: Record<string, unknown> = {}) => ({ type: "DOCKER" as const, docker: { image: IMAGE, ...extra } });

describe.skipIf(!run)("Docker tasks through the v1 scheduler API", () => {
  const engine = new Docker();
  let dir: string;
  let master: RunningMaster;
  let agent: AgentHandle;
  let fw: TestFramework;
  let hostPort: number;
  let agentDir: string;

  beforeAll(async () => {
    ({ master, dir } = await startTestMaster());
    hostPort = await freePort();
    agentDir = join(dir, "agent");
    agent = await startTestAgent(master.url, agentDir, `cpus:8;mem:2048;disk:1000;ports:[${hostPort}-${hostPort}]`, { stopTimeoutSeconds: 1 });
    fw = await TestFramework.start(master.url, "docker-e2e");
  });
  afterAll(async () => {
    fw?.close();
    const agentId = agent?.agentId();
    await agent?.stop({ killTasks: true });
    await master?.stop();
    if (agentId) await cleanup(engine, [agentId]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("runs a Docker task to the end, with its output in the sandbox", async () => {
    const task = await fw.launch("hello", { cpus: 0.1, mem: 32 }, () => ({
      command: { value: 'echo "hello from $MESOS_TASK_ID in $MESOS_SANDBOX"; echo warn >&2' },
      container: docker(),
    }));
    const end = await fw.waitForEnd(task.task_id.value);
    expect(end.state).toBe("TASK_FINISHED");
    expect(fw.statuses(task.task_id.value).map((s) => s.state)).toEqual(["TASK_STARTING", "TASK_RUNNING", "TASK_FINISHED"]);
    expect(await sandboxFile(agentDir, await fw.containerIdOf(task.task_id.value), "stdout")).toBe(`hello from ${task.task_id.value} in /mnt/mesos/sandbox\n`);
    expect(await sandboxFile(agentDir, await fw.containerIdOf(task.task_id.value), "stderr")).toBe("warn\n");
  });

  it("publishes a BRIDGE task's container port on its host port, reachable from here", async () => {
    const task = await fw.launch("web", { cpus: 0.1, mem: 32, ports: 1 }, ({ ports }) => ({
      command: { value: "mkdir -p /www && echo served-by-tessera > /www/index.html && exec httpd -f -p 80 -h /www" },
      container: docker({ network: "BRIDGE", port_mappings: [{ host_port: ports[0]!, container_port: 80 }] }),
    }));
    await fw.waitForState(task.task_id.value, "TASK_RUNNING");
    const body = await eventually("the mapped port to answer", () => okBody(`http://127.0.0.1:${hostPort}/index.html`), POLL);
    expect(body).toBe("served-by-tessera\n");
    // The agent's monitoring endpoint reads the Engine's stats through the containerizer.
    const monitor = (await (await fetch(`${agent.url}/monitor/statistics`)).json()) as Array<{ executor_id: string; statistics: Record<string, number> }>;
    const stats = monitor.find((m) => m.executor_id === task.task_id.value)?.statistics;
    expect(stats?.mem_total_bytes).toBeGreaterThan(0);
    expect(stats?.net_rx_bytes).toBeGreaterThan(0);
    await fw.client.kill(task.task_id.value, task.agent_id.value);
    expect((await fw.waitForEnd(task.task_id.value)).state).toBe("TASK_KILLED");
  });

  it("reports a memory-hungry task as OOM-killed", async () => {
    const task = await fw.launch("hog", { cpus: 0.1, mem: 16 }, () => ({
      command: { value: "x=a; while true; do x=$x$x; done" },
      container: docker(),
    }));
    const end = await fw.waitForEnd(task.task_id.value);
    expect(end.state).toBe("TASK_FAILED");
    expect(end.reason).toBe("REASON_CONTAINER_LIMITATION_MEMORY");
    expect(end.message).toMatch(/memory limit of 16 MB/);
  });

  it("stops a killed task within its grace period, even when it ignores SIGTERM", async () => {
    const task = await fw.launch("stubborn", { cpus: 0.1, mem: 32 }, () => ({
      command: { value: "trap '' TERM; echo ready; while true; do sleep 0.1; done" },
      container: docker(),
      kill_policy: { grace_period: { nanoseconds: 1_500_000_000 } },
    }));
    await fw.waitForState(task.task_id.value, "TASK_RUNNING");
    await eventually("the trap", async () => (await sandboxFile(agentDir, await fw.containerIdOf(task.task_id.value), "stdout")).includes("ready"), POLL);
    const asked = Date.now();
    await fw.client.kill(task.task_id.value, task.agent_id.value);
    const end = await fw.waitForEnd(task.task_id.value);
    const took = Date.now() - asked;
    expect(end.state).toBe("TASK_KILLED");
    expect(took).toBeGreaterThanOrEqual(1_500);
    expect(took).toBeLessThan(6_000);
    expect(end.message).toMatch(/SIGKILL/);
  });

  it("fails a task with an unknown parameter or a port it was not given, and the agent keeps running", async () => {
    const unknown = await fw.launch("bad-param", { cpus: 0.1, mem: 32 }, () => ({
      command: { value: "true" },
      container: docker({ parameters: [{ key: "frobnicate", value: "yes" }] }),
    }));
    const stolen = await fw.launch("bad-port", { cpus: 0.1, mem: 32 }, () => ({
      command: { value: "true" },
      container: docker({ network: "BRIDGE", port_mappings: [{ host_port: 1, container_port: 80 }] }),
    }));
    const a = await fw.waitForEnd(unknown.task_id.value);
    expect(a.state).toBe("TASK_FAILED");
    expect(a.reason).toBe("REASON_CONTAINER_LAUNCH_FAILED");
    expect(a.message).toMatch(/task\.container\.docker\.parameters\[0\]: unknown docker run option "frobnicate"/);
    const b = await fw.waitForEnd(stolen.task_id.value);
    expect(b.state).toBe("TASK_FAILED");
    expect(b.message).toMatch(/port_mappings\[0\]\.host_port: port 1 is not in the task's ports resources/);

    const after = await fw.launch("after", { cpus: 0.1, mem: 32 }, () => ({ command: { value: "echo still-here" }, container: docker() }));
    expect((await fw.waitForEnd(after.task_id.value)).state).toBe("TASK_FINISHED");
  });

  it("runs a Docker task and a plain process task side by side on the same agent", async () => {
    const inDocker = await fw.launch("mixed-docker", { cpus: 0.1, mem: 32 }, () => ({
      command: { value: 'echo "sandbox at $MESOS_SANDBOX"; sleep 1' },
      container: docker(),
    }));
    const plain = await fw.launch("mixed-process", { cpus: 0.1, mem: 32 }, () => ({
      command: { value: 'echo "sandbox at $MESOS_SANDBOX"; sleep 1' },
    }));
    await Promise.all([fw.waitForState(inDocker.task_id.value, "TASK_RUNNING"), fw.waitForState(plain.task_id.value, "TASK_RUNNING")]);
    const running = (await containersOf(engine, agent.agentId()!)).map((c) => c.Labels[LABELS.taskId]);
    expect(running).toContain(inDocker.task_id.value);
    expect(running).not.toContain(plain.task_id.value);
    expect((await fw.waitForEnd(inDocker.task_id.value)).state).toBe("TASK_FINISHED");
    expect((await fw.waitForEnd(plain.task_id.value)).state).toBe("TASK_FINISHED");
    // Same command, two containerizers: the Docker task sees its sandbox mounted, the process task the host path.
    expect(await sandboxFile(agentDir, await fw.containerIdOf(inDocker.task_id.value), "stdout")).toBe("sandbox at /mnt/mesos/sandbox\n");
    const plainSandbox = await sandboxOf(agentDir, await fw.containerIdOf(plain.task_id.value));
    expect(await sandboxFile(agentDir, await fw.containerIdOf(plain.task_id.value), "stdout")).toBe(`sandbox at ${plainSandbox}\n`);
  });
});
