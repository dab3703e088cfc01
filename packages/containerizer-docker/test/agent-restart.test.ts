// End to end: the agent process is SIGKILLed while a Docker task runs, and started again on the
// same work dir. The task must survive in the master's state and finish normally; an orphan
// container carrying the agent's labels must be removed.
import type { ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { RunningMaster } from "@tessera/core";
import { eventually, sigkill, spawnAgent as spawnTestAgent } from "@tessera/testkit";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanup, containersOf, dockerPrerequisites, freePort, IMAGE, POLL } from "../src/__fixtures__/docker-env.js";
import { identityLabels, LABELS } from "../src/labels.js";
import { masterTaskState, sandboxFile, sandboxOf, startTestMaster } from "./fixtures/cluster.js";
import { TestFramework } from "./fixtures/framework.js";

const { run } = dockerPrerequisites("containerizer-docker: agent SIGKILL and recovery");

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const AGENT_MAIN = fileURLToPath(new URL("./fixtures/agent-main.ts", import.meta.url));

/** Starts the agent in a child process (node --import tsx: one process, so SIGKILL takes all of it). */
const spawnAgent = (args: string[]) => spawnTestAgent(AGENT_MAIN, args, ROOT);

describe.skipIf(!run)("agent SIGKILLed while a Docker task runs", () => {
  const engine = new Docker();
  let dir: string;
  let master: RunningMaster;
  let agent: ChildProcess | undefined;
  let fw: TestFramework;
  let agentId: string | undefined;

  beforeAll(async () => {
    ({ master, dir } = await startTestMaster());
  });
  afterAll(async () => {
    fw?.close();
    if (agent) await sigkill(agent);
    await master?.stop();
    if (agentId) await cleanup(engine, [agentId]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("keeps the task RUNNING across the restart, reports its normal end, and removes an orphan", async () => {
    const workDir = join(dir, "agent");
    const args = [master.url, workDir, "cpus:2;mem:512;disk:100;ports:[31000-31010]", String(await freePort())];
    agent = await spawnAgent(args);
    fw = await TestFramework.start(master.url, "docker-restart");
    const task = await fw.launch("survivor", { cpus: 0.1, mem: 32 }, () => ({
      // Runs until the test releases it, however long the restart takes.
      command: { value: "echo started; until [ -f $MESOS_SANDBOX/release ]; do sleep 0.2; done; echo finished-after-restart" },
      container: { type: "DOCKER", docker: { image: IMAGE } },
    }));
    const taskId = task.task_id.value;
    await fw.waitForState(taskId, "TASK_RUNNING");
    agentId = task.agent_id.value;
    const containerId = await fw.containerIdOf(taskId);

    // What a crashed agent leaves behind: a container with its labels that it never recorded.
    const orphanId = randomUUID();
    const orphan = await engine.createContainer({
      Image: IMAGE,
      name: `tessera-${orphanId}`,
      Cmd: ["sleep", "600"],
      Labels: identityLabels("docker", { agentId, frameworkId: "fw-crashed", taskId: "lost-task", containerId: orphanId }),
    });
    await orphan.start();

    await sigkill(agent);
    const mine = await containersOf(engine, agentId);
    expect(mine.find((c) => c.Labels[LABELS.containerId] === containerId)?.State).toBe("running");

    agent = await spawnAgent(args);
    await eventually("the orphan to be removed", async () => !(await containersOf(engine, agentId!)).some((c) => c.Labels[LABELS.containerId] === orphanId), { ...POLL, timeoutMs: 20_000 });
    expect(await masterTaskState(master.url, taskId)).toBe("TASK_RUNNING");
    await writeFile(join(await sandboxOf(workDir, containerId), "release"), "");

    const end = await fw.waitForEnd(taskId, 30_000);
    expect(end.state).toBe("TASK_FINISHED");
    expect(fw.statuses(taskId).filter((s) => s.state === "TASK_RUNNING")).toHaveLength(1);
    expect(await sandboxFile(workDir, containerId, "stdout")).toBe("started\nfinished-after-restart\n");
  }, 90_000);
});
