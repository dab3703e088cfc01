import type { Agent } from "../agent.js";

const MB = 1024 * 1024;

/** The agent's `GET /monitor/statistics` document: one entry per running container, as Mesos. */
export async function monitorView(agent: Agent): Promise<unknown[]> {
  const now = Date.now() / 1000;
  return (await agent.usage()).map(({ rec, statistics }) => ({
    framework_id: rec.frameworkId,
    executor_id: rec.executorId,
    executor_name: rec.task.name,
    source: rec.task.name,
    container_id: rec.containerId,
    statistics: {
      timestamp: now,
      cpus_limit: rec.resources.scalar("cpus"),
      mem_limit_bytes: rec.resources.scalar("mem") * MB,
      ...statistics,
    },
  }));
}
