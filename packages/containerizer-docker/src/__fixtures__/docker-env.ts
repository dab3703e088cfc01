// What the system tests of this package share: the prerequisites, a launch builder, cleanup.
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ContainerLaunch } from "@tessera/core";
import { binary, checkPrerequisites, type Prerequisite } from "@tessera/testkit";
import Docker from "dockerode";
import { LABELS } from "../labels.js";

export const IMAGE = "tessera/busybox:latest";

const image: Prerequisite = {
  name: `image ${IMAGE}`,
  check() {
    try {
      execFileSync("docker", ["image", "inspect", IMAGE], { stdio: "ignore", timeout: 10_000 });
      return undefined;
    } catch {
      return `not on the Engine (bash .ci/system-setup.sh imports it)`;
    }
  },
};

export function dockerPrerequisites(suite: string): { run: boolean } {
  return checkPrerequisites(suite, [binary("docker", ["info"]), image]);
}

export async function sandboxRoot(): Promise<string> {
  return mkdtemp(join(tmpdir(), "tessera-docker-test-"));
}

/** A launch of a DOCKER task with a busybox shell command; `docker` and `task` extend the defaults. */
export async function dockerLaunch(
  root: string,
  agentId: string,
  o: {
    command?: Record<string, unknown>;
    docker?: Record<string, unknown>;
    resources?: string;
    container?: Record<string, unknown>;
  } = {},
): Promise<ContainerLaunch> {
  const containerId = randomUUID();
  const sandbox = join(root, containerId);
  await mkdir(sandbox, { recursive: true });
  const taskId = `task-${containerId.slice(0, 8)}`;
  return {
    containerId,
    frameworkId: "fw-test",
    agentId,
    taskId,
    sandbox,
    task: {
      task_id: { value: taskId },
      name: taskId,
      agent_id: { value: agentId },
      resources: resourcesJson(o.resources ?? "cpus:0.2;mem:32"),
      command: o.command ?? { value: "true" },
      container: { type: "DOCKER", docker: { image: IMAGE, ...o.docker }, ...o.container },
    },
    plan: { env: { MESOS_TASK_ID: taskId }, mounts: [], labels: {} },
  };
}

function resourcesJson(text: string): unknown[] {
  return text.split(";").map((part) => {
    const [name, value] = part.split(":") as [string, string];
    const ranges = /^\[(\d+)-(\d+)\]$/.exec(value);
    return ranges
      ? { name, type: "RANGES", ranges: { range: [{ begin: Number(ranges[1]), end: Number(ranges[2]) }] } }
      : { name, type: "SCALAR", scalar: { value: Number(value) } };
  });
}

export async function readSandbox(l: ContainerLaunch, file: "stdout" | "stderr"): Promise<string> {
  return readFile(join(l.sandbox, file), "utf8").catch(() => "");
}

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** How these tests poll the Engine and containers with `eventually` from @tessera/testkit. */
export const POLL = { timeoutMs: 15_000, intervalMs: 100 };

/** The body of a 2xx answer from `url`, else undefined: a check for `eventually` while a server comes up. */
export async function okBody(url: string): Promise<string | undefined> {
  const res = await fetch(url);
  return res.ok ? res.text() : undefined;
}

/** Containers an agent id owns on the Engine. */
export async function containersOf(docker: Docker, agentId: string): Promise<Docker.ContainerInfo[]> {
  return docker.listContainers({ all: true, filters: { label: [`${LABELS.agentId}=${agentId}`] } });
}

/** Removes every container labelled with these agent ids, and the sandboxes. */
export async function cleanup(docker: Docker, agentIds: string[], root?: string): Promise<void> {
  for (const agentId of agentIds) {
    for (const c of await containersOf(docker, agentId)) await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
  }
  if (root) await rm(root, { recursive: true, force: true });
}
