// System tests: a real Docker Engine and the local tessera/busybox image (.ci/system-setup.sh).
import { randomUUID } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { CheckpointedContainer, ContainerLaunch } from "@tessera/core";
import { eventually } from "@tessera/testkit";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cleanup,
  containersOf,
  dockerLaunch,
  dockerPrerequisites,
  freePort,
  IMAGE,
  okBody,
  POLL,
  readSandbox,
  sandboxRoot,
} from "./__fixtures__/docker-env.js";
import { DockerContainerizer } from "./docker-containerizer.js";
import { DockerTaskError, ImagePullError } from "./errors.js";
import { LABELS } from "./labels.js";

const { run } = dockerPrerequisites("containerizer-docker: DockerContainerizer");

const checkpointOf = (l: ContainerLaunch, data: Record<string, unknown> | undefined): CheckpointedContainer => ({
  containerId: l.containerId,
  containerizer: "docker",
  taskId: l.taskId,
  frameworkId: l.frameworkId,
  sandbox: l.sandbox,
  ...(data ? { data } : {}),
});

describe.skipIf(!run)("DockerContainerizer on a real Engine", () => {
  const docker = new Docker();
  const agentId = `agent-test-${randomUUID().slice(0, 8)}`;
  const otherAgent = `${agentId}-other`;
  let root: string;
  let dz: DockerContainerizer;

  beforeAll(async () => {
    root = await sandboxRoot();
    dz = new DockerContainerizer({}, { docker });
  });
  afterAll(async () => {
    dz?.close();
    await cleanup(docker, [agentId, otherAgent], root);
  });

  it("runs a task to the end: output in the sandbox files, exit status, container removed", async () => {
    const ok = await dockerLaunch(root, agentId, { command: { value: 'echo "out $MESOS_TASK_ID in $MESOS_SANDBOX"; echo err >&2' } });
    const bad = await dockerLaunch(root, agentId, { command: { shell: false, value: "sh", arguments: ["-c", "exit 3"] } });
    const [a] = await Promise.all([dz.launch(ok), dz.launch(bad)]);
    expect(a.data).toMatchObject({ name: `tessera-${ok.containerId}`, image: IMAGE, agentId });

    const [ta, tb] = await Promise.all([dz.wait(ok.containerId), dz.wait(bad.containerId)]);
    expect(ta).toMatchObject({ state: "TASK_FINISHED", exitCode: 0 });
    expect(tb).toMatchObject({ state: "TASK_FAILED", exitCode: 3, message: "Container exited with status 3" });
    expect(await readSandbox(ok, "stdout")).toBe(`out ${ok.taskId} in /mnt/mesos/sandbox\n`);
    expect(await readSandbox(ok, "stderr")).toBe("err\n");
    expect((await containersOf(docker, agentId)).map((c) => c.Labels[LABELS.containerId])).not.toContain(ok.containerId);
  });

  it("reports an OOM kill as REASON_CONTAINER_LIMITATION_MEMORY", async () => {
    const l = await dockerLaunch(root, agentId, { resources: "cpus:0.5;mem:16", command: { value: "x=a; while true; do x=$x$x; done" } });
    await dz.launch(l);
    const t = await dz.wait(l.containerId);
    expect(t.state).toBe("TASK_FAILED");
    expect(t.reason).toBe("REASON_CONTAINER_LIMITATION_MEMORY");
    expect(t.message).toMatch(/memory limit of 16 MB/);
  });

  it("stops a container that ignores SIGTERM with SIGKILL once the grace period is over", async () => {
    const l = await dockerLaunch(root, agentId, { command: { value: "trap '' TERM; while true; do sleep 0.1; done" } });
    await dz.launch(l);
    const started = Date.now();
    await dz.destroy(l.containerId, 1_000);
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(1_000);
    expect(took).toBeLessThan(4_000);
    expect(await dz.wait(l.containerId)).toMatchObject({ state: "TASK_KILLED", signal: "SIGKILL" });
  });

  it("a container that honours SIGTERM ends well within its grace period", async () => {
    const l = await dockerLaunch(root, agentId, { command: { value: "trap 'echo bye; exit 0' TERM; echo up; while true; do sleep 0.1; done" } });
    await dz.launch(l);
    await eventually("the trap to be installed", async () => (await readSandbox(l, "stdout")).includes("up"), POLL);
    const started = Date.now();
    await dz.destroy(l.containerId, 20_000);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await dz.wait(l.containerId)).toMatchObject({ state: "TASK_KILLED", signal: "SIGTERM", exitCode: 0 });
    expect(await readSandbox(l, "stdout")).toBe("up\nbye\n");
  });

  it("maps a BRIDGE container port to the task's host port, reachable from here", async () => {
    const port = await freePort();
    const l = await dockerLaunch(root, agentId, {
      resources: `cpus:0.2;mem:32;ports:[${port}-${port}]`,
      docker: { network: "BRIDGE", port_mappings: [{ host_port: port, container_port: 8080 }] },
      command: { value: "mkdir -p /www && echo hello-from-bridge > /www/index.html && exec httpd -f -p 8080 -h /www" },
    });
    const { pid } = await dz.launch(l);
    expect(pid).toBeGreaterThan(0);
    const body = await eventually("httpd to answer", () => okBody(`http://127.0.0.1:${port}/index.html`), POLL);
    expect(body).toBe("hello-from-bridge\n");
    const stats = await dz.usage(l.containerId);
    expect(stats.mem_total_bytes).toBeGreaterThan(0);
    expect(stats.net_rx_bytes).toBeGreaterThan(0);
    expect(stats.cpus_user_time_secs).toBeGreaterThanOrEqual(0);

    await dz.update(l.containerId, [
      { name: "cpus", type: "SCALAR", scalar: { value: 1 } },
      { name: "mem", type: "SCALAR", scalar: { value: 48 } },
    ]);
    const info = await docker.getContainer(`tessera-${l.containerId}`).inspect();
    expect(info.HostConfig).toMatchObject({ Memory: 48 * 1024 * 1024, CpuShares: 1024, CpuQuota: 100_000 });
    await dz.destroy(l.containerId, 0);
  });

  it("refuses an unknown docker parameter and a port the task was not given, creating nothing", async () => {
    const unknown = await dockerLaunch(root, agentId, { docker: { parameters: [{ key: "frobnicate", value: "1" }] } });
    await expect(dz.launch(unknown)).rejects.toThrow(DockerTaskError);
    await expect(dz.launch(unknown)).rejects.toThrow(/parameters\[0\]: unknown docker run option "frobnicate"/);
    const port = await dockerLaunch(root, agentId, {
      resources: "cpus:0.2;mem:32;ports:[31000-31001]",
      docker: { network: "BRIDGE", port_mappings: [{ host_port: 8080, container_port: 80 }] },
    });
    await expect(dz.launch(port)).rejects.toThrow(
      "task.container.docker.port_mappings[0].host_port: port 8080 is not in the task's ports resources ([31000-31001])",
    );
    const ids = (await containersOf(docker, agentId)).map((c) => c.Labels[LABELS.containerId]);
    expect(ids).not.toContain(unknown.containerId);
    expect(ids).not.toContain(port.containerId);
  });

  it("fails fast with the Engine's reason when an image is not here and no registry is reachable", async () => {
    const l = await dockerLaunch(root, agentId, { docker: { image: "tessera/no-such-image:1" } });
    const started = Date.now();
    const err = await dz.launch(l).catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(ImagePullError);
    expect((err as Error).message).toMatch(/^image "tessera\/no-such-image:1" is not on this agent and pulling it failed: \S+/);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it("force_pull_image pulls even a local image, and fails the task when the registry cannot be reached", async () => {
    const l = await dockerLaunch(root, agentId, { docker: { force_pull_image: true } });
    await expect(dz.launch(l)).rejects.toThrow(/^cannot pull image "tessera\/busybox:latest": /);
  });

  describe("recovery by a new containerizer instance (the agent restarted)", () => {
    it("re-attaches to a running container: the rest of its output and its end are reported", async () => {
      const first = new DockerContainerizer({}, { docker });
      const l = await dockerLaunch(root, agentId, {
        command: { value: "echo before; until [ -f $MESOS_SANDBOX/go ]; do sleep 0.1; done; echo after; exit 4" },
      });
      const { data } = await first.launch(l);
      await eventually("the first line", async () => (await readSandbox(l, "stdout")).includes("before"), POLL);
      first.close(); // the agent dies; the container keeps running

      const second = new DockerContainerizer({}, { docker });
      const recovered = await second.recover([checkpointOf(l, data)]);
      expect(recovered).toEqual([{ containerId: l.containerId, running: true }]);
      await writeFile(join(l.sandbox, "go"), "");
      expect(await second.wait(l.containerId)).toMatchObject({ state: "TASK_FAILED", exitCode: 4 });
      expect(await readSandbox(l, "stdout")).toBe("before\nafter\n");
      second.close();
    });

    it("reports how containers ended while it was down, and a container removed meanwhile as gone", async () => {
      const first = new DockerContainerizer({}, { docker });
      // Ends only when released, so it surely ends while no containerizer watches it.
      const quick = await dockerLaunch(root, agentId, {
        command: { value: "echo early; until [ -f $MESOS_SANDBOX/go ]; do sleep 0.1; done; echo done-while-down" },
      });
      const removed = await dockerLaunch(root, agentId, { command: { value: "sleep 60" } });
      const a = await first.launch(quick);
      const b = await first.launch(removed);
      await eventually("the early line", async () => (await readSandbox(quick, "stdout")) === "early\n", POLL);
      first.close();
      await writeFile(join(quick.sandbox, "go"), "");
      await eventually("the quick container to exit", async () => !(await docker.getContainer(`tessera-${quick.containerId}`).inspect()).State.Running, POLL);
      await docker.getContainer(`tessera-${removed.containerId}`).remove({ force: true });

      const second = new DockerContainerizer({}, { docker });
      const recovered = await second.recover([checkpointOf(quick, a.data), checkpointOf(removed, b.data)]);
      expect(recovered[0]).toMatchObject({ containerId: quick.containerId, running: false, termination: { state: "TASK_FINISHED", exitCode: 0 } });
      expect(recovered[1]).toMatchObject({ containerId: removed.containerId, running: false, termination: { state: "TASK_FAILED" } });
      expect(recovered[1]!.termination!.message).toMatch(/is gone: it was removed while the agent was down/);
      // Nothing lost, nothing twice: what the first instance copied, then the rest from the Engine's log.
      expect(await readSandbox(quick, "stdout")).toBe("early\ndone-while-down\n");
      second.close();
    });

    it("removes orphans of its agent it does not know, and leaves other agents' containers alone", async () => {
      const first = new DockerContainerizer({}, { docker });
      const known = await dockerLaunch(root, agentId, { command: { value: "sleep 60" } });
      const orphan = await dockerLaunch(root, agentId, { command: { value: "sleep 60" } });
      const foreign = await dockerLaunch(root, otherAgent, { command: { value: "sleep 60" } });
      const { data } = await first.launch(known);
      await first.launch(orphan);
      await first.launch(foreign);
      first.close();

      const second = new DockerContainerizer({ stopTimeoutSeconds: 0 }, { docker });
      const recovered = await second.recover([checkpointOf(known, data)]);
      expect(recovered).toEqual([{ containerId: known.containerId, running: true }]);
      const mine = (await containersOf(docker, agentId)).map((c) => c.Labels[LABELS.containerId]);
      expect(mine).toContain(known.containerId);
      expect(mine).not.toContain(orphan.containerId);
      expect((await containersOf(docker, otherAgent)).map((c) => c.Labels[LABELS.containerId])).toEqual([foreign.containerId]);
      await second.destroy(known.containerId, 0);
      expect(await second.wait(known.containerId)).toMatchObject({ state: "TASK_KILLED" });
      second.close();
    });
  });
});
