// Containers launched per second on one agent, through DockerContainerizer directly (the agent
// runtime adds its sandbox and checkpoint work on top). Mesos 1.7 reached about 33/s.
// Run: npm run bench -w @tessera/containerizer-docker   (BENCH_N, BENCH_CONCURRENCY to change the load)
import { randomUUID } from "node:crypto";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { ContainerLaunch } from "@tessera/core";
import Docker from "dockerode";
import { DockerContainerizer, LABELS } from "../src/index.js";

const IMAGE = "tessera/busybox:latest";

async function launchOf(root: string, agentId: string): Promise<ContainerLaunch> {
  const containerId = randomUUID();
  const sandbox = join(root, containerId);
  await mkdir(sandbox);
  return {
    containerId,
    frameworkId: "bench",
    agentId,
    taskId: containerId,
    sandbox,
    task: {
      task_id: { value: containerId },
      resources: [
        { name: "cpus", type: "SCALAR", scalar: { value: 0.1 } },
        { name: "mem", type: "SCALAR", scalar: { value: 32 } },
      ],
      command: { value: "sleep 600" },
      container: { type: "DOCKER", docker: { image: IMAGE, network: "NONE" } },
    },
    plan: { env: {}, mounts: [], labels: {} },
  };
}

export async function run(): Promise<void> {
  const n = Number(process.env.BENCH_N ?? 40);
  const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 8);
  const docker = new Docker();
  const agentId = `bench-${randomUUID().slice(0, 8)}`;
  const root = await mkdtemp(join(tmpdir(), "tessera-docker-bench-"));
  const dz = new DockerContainerizer({}, { docker });
  try {
    // One warm-up launch so the first Engine round trips are not counted.
    const warm = await launchOf(root, agentId);
    await dz.launch(warm);
    await dz.destroy(warm.containerId, 0);

    const launches = await Promise.all(Array.from({ length: n }, () => launchOf(root, agentId)));
    let next = 0;
    const started = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < launches.length) await dz.launch(launches[next++]!);
      }),
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    console.log(`docker: containers_launched_per_second=${(n / seconds).toFixed(1)} (n=${n}, concurrency=${concurrency}, through DockerContainerizer)`);
    await Promise.all(launches.map((l) => dz.destroy(l.containerId, 0)));
  } finally {
    dz.close();
    const left = await docker.listContainers({ all: true, filters: { label: [`${LABELS.agentId}=${agentId}`] } });
    await Promise.all(left.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
    await rm(root, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run();
