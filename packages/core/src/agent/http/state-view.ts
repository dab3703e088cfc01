import { Resources } from "../../resources/index.js";
import type { Agent, CompletedTask } from "../agent.js";
import type { TaskRecord } from "../tasks/task-record.js";

/** Mesos /state shows resources as a map: scalars as numbers, ranges as "[a-b, c-d]", sets as "{x, y}". */
export function resourcesMap(r: Resources): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  for (const name of r.names()) {
    const one = r.named(name);
    const e = one.entries()[0];
    if (!e) continue;
    if (e.type === "SCALAR") out[name] = one.scalar(name);
    else if (e.type === "RANGES") out[name] = `[${one.ranges(name).map(([a, b]) => `${a}-${b}`).join(", ")}]`;
    else out[name] = `{${one.set(name).join(", ")}}`;
  }
  return out;
}

function taskView(r: TaskRecord, agentId: string) {
  return {
    id: r.task.task_id.value,
    name: r.task.name,
    framework_id: r.frameworkId,
    executor_id: r.executorId,
    slave_id: agentId,
    agent_id: agentId,
    state: r.state,
    resources: resourcesMap(r.resources),
    container_id: r.containerId,
    statuses: r.latest ? [r.latest] : [],
  };
}

/** The agent's `GET /state` document, in the shape of Mesos's (a subset of its fields). */
export function stateView(agent: Agent): Record<string, unknown> {
  const id = agent.agentId() ?? "";
  const c = agent.config;
  const used = agent.tasks.all().filter((r) => !r.terminated).reduce((sum, r) => sum.plus(r.resources), Resources.empty());
  const frameworks = new Map<string, { executors: Map<string, TaskRecord[]> }>();
  for (const r of agent.tasks.all()) {
    const f = frameworks.get(r.frameworkId) ?? { executors: new Map() };
    frameworks.set(r.frameworkId, f);
    f.executors.set(r.executorId, [...(f.executors.get(r.executorId) ?? []), r]);
  }
  return {
    id,
    hostname: c.hostname,
    port: c.port,
    master_url: c.masterUrl,
    connected: agent.connected,
    resources: resourcesMap(c.resources),
    used_resources: resourcesMap(used),
    revocable_resources_estimate: resourcesMap(agent.revocableEstimate()),
    attributes: Object.fromEntries(c.attributes.map((a) => [a.name, attributeValue(a)])),
    checkpointed_resources: agent.checkpointed(),
    frameworks: [...frameworks].map(([fid, f]) => {
      const info = agent.frameworkInfo(fid);
      return {
        id: fid,
        name: info?.name ?? "",
        user: info?.user ?? "",
        executors: [...f.executors].map(([eid, recs]) => ({
          id: eid,
          container: recs[recs.length - 1]!.containerId,
          directory: recs[recs.length - 1]!.sandbox ?? "",
          tasks: recs.filter((r) => !r.terminated).map((r) => taskView(r, id)),
          completed_tasks: recs.filter((r) => r.terminated).map((r) => taskView(r, id)),
        })),
      };
    }),
    completed_frameworks: completedFrameworks(agent, id),
  };
}

/** Tasks whose end was acknowledged, grouped as Mesos's completed_frameworks[].completed_executors[]. */
function completedFrameworks(agent: Agent, agentId: string) {
  const byFramework = new Map<string, Map<string, CompletedTask[]>>();
  for (const t of agent.completedTasks()) {
    const f = byFramework.get(t.frameworkId) ?? new Map<string, CompletedTask[]>();
    byFramework.set(t.frameworkId, f);
    f.set(t.executorId, [...(f.get(t.executorId) ?? []), t]);
  }
  return [...byFramework].map(([fid, executors]) => ({
    id: fid,
    name: agent.frameworkInfo(fid)?.name ?? "",
    completed_executors: [...executors].map(([eid, ts]) => ({
      id: eid,
      container: ts[ts.length - 1]!.containerId,
      directory: ts[ts.length - 1]!.sandbox ?? "",
      completed_tasks: ts.map((t) => ({
        id: t.task.task_id.value,
        name: t.task.name,
        framework_id: fid,
        executor_id: eid,
        slave_id: agentId,
        agent_id: agentId,
        state: t.state,
        container_id: t.containerId,
      })),
    })),
  }));
}

function attributeValue(a: { type: string; [k: string]: unknown }): unknown {
  const v = a[a.type.toLowerCase()] as Record<string, unknown> | undefined;
  if (a.type === "TEXT" || a.type === "SCALAR") return v?.value;
  if (a.type === "RANGES") return `[${((v?.range as Array<{ begin: number; end: number }>) ?? []).map((r) => `${r.begin}-${r.end}`).join(", ")}]`;
  return `{${((v?.item as string[]) ?? []).join(", ")}}`;
}
