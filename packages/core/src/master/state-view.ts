// Read-only views of the master's state: Mesos's `/master/state` JSON and the operator API bodies.
import type * as m from "../api/mesos/index.js";
import type { GetAgents, GetFrameworks, GetRoles, GetState, GetTasks } from "../api/operator/response.js";
import { formatRanges, Resources } from "../resources/index.js";
import type { Master } from "./master.js";
import type { AgentRecord, FrameworkRecord, OfferRecord, TaskRecord } from "./records.js";
import { isTerminalTaskState } from "./task-states.js";

type Model = Record<string, number | string>;

/** Mesos's `model(Resources)`: scalars as numbers, ranges as "[a-b, c-d]", sets as "{a, b}". */
export function resourcesModel(res: Resources): Model {
  const out: Model = { cpus: 0, mem: 0, disk: 0, gpus: 0 };
  for (const name of res.names()) {
    const named = res.named(name);
    const first = named.entries()[0]!;
    if (first.type === "SCALAR") out[name] = named.scalar(name);
    else if (first.type === "RANGES") out[name] = formatRanges(named.ranges(name));
    else out[name] = `{${named.set(name).join(", ")}}`;
  }
  return out;
}

const sum = (list: Iterable<Resources>): Resources => {
  let total = Resources.empty();
  for (const r of list) total = total.plus(r);
  return total;
};

const secs = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);
const timeInfo = (ms: number | undefined): m.TimeInfo | undefined => (ms === undefined ? undefined : { nanoseconds: Math.round(ms * 1e6) });

/** Resources held by live tasks on an agent. */
export function usedOnAgent(master: Master, agentId: string): Resources {
  return sum(master.tasksOnAgent(agentId).filter((t) => t.state !== "TASK_UNREACHABLE").map((t) => t.resources));
}

function offersOn(master: Master, pred: (o: OfferRecord) => boolean): OfferRecord[] {
  return [...master.offers.values()].filter(pred);
}

function liveTasks(fw: FrameworkRecord): TaskRecord[] {
  return [...fw.tasks.values()].filter((t) => !isTerminalTaskState(t.state));
}

function capabilities(info: m.FrameworkInfo): string[] {
  return (info.capabilities ?? []).map((c) => c.type).filter((t): t is NonNullable<typeof t> => t !== undefined);
}

function taskState(task: TaskRecord) {
  return {
    id: task.id,
    name: task.name,
    framework_id: task.frameworkId,
    executor_id: task.executorId ?? "",
    slave_id: task.agentId,
    state: task.state,
    resources: resourcesModel(task.resources),
    role: task.role,
    statuses: task.statuses.map((s) => ({ state: s.state, timestamp: s.timestamp, ...(s.container_status && { container_status: s.container_status }) })),
    ...(task.info.labels && { labels: task.info.labels.labels ?? [] }),
    ...(task.info.discovery && { discovery: task.info.discovery }),
    ...(task.info.container && { container: task.info.container }),
  };
}

function offerState(o: OfferRecord) {
  return {
    id: o.id,
    framework_id: o.frameworkId,
    slave_id: o.agentId,
    resources: resourcesModel(o.resources),
    allocation_info: { role: o.role },
  };
}

function frameworkState(master: Master, fw: FrameworkRecord, completed: boolean) {
  const live = completed ? [] : liveTasks(fw);
  const used = sum(live.filter((t) => t.state !== "TASK_UNREACHABLE").map((t) => t.resources));
  const offers = offersOn(master, (o) => o.frameworkId === fw.id);
  const offered = sum(offers.map((o) => o.resources));
  const terminal = [...fw.tasks.values()].filter((t) => isTerminalTaskState(t.state));
  return {
    id: fw.id,
    name: fw.info.name,
    pid: null,
    used_resources: resourcesModel(used),
    offered_resources: resourcesModel(offered),
    resources: resourcesModel(used.plus(offered)),
    allocated_resources: resourcesModel(used),
    capabilities: capabilities(fw.info),
    hostname: fw.info.hostname ?? "",
    webui_url: fw.info.webui_url ?? "",
    active: fw.active,
    connected: fw.connected,
    recovered: false,
    user: fw.info.user,
    failover_timeout: fw.info.failover_timeout ?? 0,
    checkpoint: fw.info.checkpoint ?? false,
    registered_time: secs(fw.registeredAt),
    ...(fw.reregisteredAt !== undefined && { reregistered_time: secs(fw.reregisteredAt) }),
    unregistered_time: secs(fw.unregisteredAt) ?? 0,
    role: fw.roles[0] ?? "*",
    roles: fw.roles,
    ...(fw.info.principal !== undefined && { principal: fw.info.principal }),
    tasks: live.filter((t) => t.state !== "TASK_UNREACHABLE").map(taskState),
    unreachable_tasks: live.filter((t) => t.state === "TASK_UNREACHABLE").map(taskState),
    completed_tasks: [...fw.completedTasks, ...terminal].map(taskState),
    offers: offers.map(offerState),
    executors: [],
    completed_executors: [],
    ...(fw.info.labels && { labels: fw.info.labels.labels ?? [] }),
  };
}

function agentState(master: Master, agent: AgentRecord) {
  const used = usedOnAgent(master, agent.id);
  const offered = sum(offersOn(master, (o) => o.agentId === agent.id).map((o) => o.resources));
  const reservedByRole: Record<string, Model> = {};
  const reservedFull: Record<string, unknown[]> = {};
  for (const role of new Set(agent.total.entries().map((e) => e.reservations.at(-1)?.role).filter((r): r is string => r !== undefined))) {
    const reserved = agent.total.reservedTo(role);
    reservedByRole[role] = resourcesModel(reserved);
    reservedFull[role] = reserved.toJSON();
  }
  return {
    id: agent.id,
    pid: `slave(1)@${agent.info.hostname}:${agent.info.port}`,
    hostname: agent.info.hostname,
    port: agent.info.port,
    registered_time: secs(agent.registeredAt),
    ...(agent.reregisteredAt !== undefined && { reregistered_time: secs(agent.reregisteredAt) }),
    resources: resourcesModel(agent.total),
    used_resources: resourcesModel(used),
    offered_resources: resourcesModel(offered),
    reserved_resources: reservedByRole,
    unreserved_resources: resourcesModel(agent.total.unreserved()),
    attributes: agent.attributes,
    active: agent.connected,
    deactivated: !agent.connected,
    version: agent.version,
    capabilities: [],
    reserved_resources_full: reservedFull,
    unreserved_resources_full: agent.total.unreserved().toJSON(),
    used_resources_full: used.toJSON(),
    offered_resources_full: offered.toJSON(),
  };
}

/** `GET /master/state`, shaped as Mesos's so existing dashboards and scripts read it. */
export function masterStateJson(master: Master, extra: { leaderUrl?: string; flags?: Record<string, string> } = {}) {
  const agents = [...master.agents.values()];
  const info = master.masterInfo();
  return {
    version: master.config.version,
    id: master.id,
    pid: info.pid,
    hostname: master.config.hostname,
    start_time: secs(master.startTime),
    elected_time: secs(master.electedTime),
    activated_slaves: agents.filter((a) => a.connected).length,
    deactivated_slaves: agents.filter((a) => !a.connected).length,
    unreachable_slaves: master.unreachableAgents.size,
    leader: info.pid,
    leader_info: info,
    flags: extra.flags ?? {},
    slaves: agents.map((a) => agentState(master, a)),
    recovered_slaves: [...master.recoveredAgents].map(([id, i]) => ({ id, hostname: i.hostname, port: i.port, resources: resourcesModel(Resources.fromJSON(i.resources)) })),
    frameworks: [...master.frameworks.values()].map((f) => frameworkState(master, f, false)),
    completed_frameworks: master.completedFrameworks.map((c) => frameworkState(master, c.record, true)),
    orphan_tasks: [],
    unregistered_frameworks: [],
    resource_providers: providerPoolsJson(master),
  };
}

/** Cluster-wide resource providers' pools: totals, what tasks hold and offers carry, and the holders. */
export function providerPoolsJson(master: Master) {
  return master.providerPools().map((p) => ({
    id: p.id,
    kind: p.kind,
    healthy: p.healthy,
    total_resources: p.total.toJSON(),
    used_resources: p.used.toJSON(),
    offered_resources: p.offered.toJSON(),
    holders: p.holders.map((h) => ({ framework_id: h.frameworkId, ...(h.taskId !== undefined && { task_id: h.taskId }), resources: h.resources.toJSON() })),
    ...(p.details !== undefined && { details: p.details }),
  }));
}

// ---------------------------------------------------------------- operator API (v1) bodies

function taskV1(task: TaskRecord): m.Task {
  return {
    name: task.name,
    task_id: { value: task.id },
    framework_id: { value: task.frameworkId },
    ...(task.executorId !== undefined && { executor_id: { value: task.executorId } }),
    agent_id: { value: task.agentId },
    state: task.state,
    resources: task.resources.toJSON() as m.Resource[],
    statuses: task.statuses,
    ...(task.statusUpdateState !== undefined && { status_update_state: task.statusUpdateState }),
    ...(task.statusUpdateUuid !== undefined && { status_update_uuid: task.statusUpdateUuid }),
    ...(task.info.labels && { labels: task.info.labels }),
    ...(task.info.discovery && { discovery: task.info.discovery }),
    ...(task.info.container && { container: task.info.container }),
    ...(task.info.health_check && { health_check: task.info.health_check }),
    ...(task.info.kill_policy && { kill_policy: task.info.kill_policy }),
  };
}

export function getAgents(master: Master): GetAgents {
  return {
    agents: [...master.agents.values()].map((a) => ({
      agent_info: { ...a.info, id: { value: a.id }, resources: a.total.toJSON() } as m.AgentInfo,
      active: a.connected,
      deactivated: !a.connected,
      version: a.version,
      pid: `slave(1)@${a.info.hostname}:${a.info.port}`,
      registered_time: timeInfo(a.registeredAt),
      ...(a.reregisteredAt !== undefined && { reregistered_time: timeInfo(a.reregisteredAt) }),
      total_resources: a.total.toJSON() as m.Resource[],
      allocated_resources: usedOnAgent(master, a.id).toJSON() as m.Resource[],
      offered_resources: sum(offersOn(master, (o) => o.agentId === a.id).map((o) => o.resources)).toJSON() as m.Resource[],
      capabilities: [],
      resource_providers: [],
    })),
    recovered_agents: [...master.recoveredAgents].map(([id, i]) => ({ ...i, id: { value: id } }) as m.AgentInfo),
  };
}

function frameworkV1(master: Master, fw: FrameworkRecord) {
  const offers = offersOn(master, (o) => o.frameworkId === fw.id);
  return {
    framework_info: fw.info,
    active: fw.active,
    connected: fw.connected,
    recovered: false,
    registered_time: timeInfo(fw.registeredAt),
    ...(fw.reregisteredAt !== undefined && { reregistered_time: timeInfo(fw.reregisteredAt) }),
    ...(fw.unregisteredAt !== undefined && { unregistered_time: timeInfo(fw.unregisteredAt) }),
    offers: offers.map((o) => ({
      id: { value: o.id },
      framework_id: { value: o.frameworkId },
      agent_id: { value: o.agentId },
      hostname: master.agents.get(o.agentId)?.info.hostname ?? "",
      resources: o.resources.toJSON() as m.Resource[],
      allocation_info: { role: o.role },
    })),
    inverse_offers: [],
    allocated_resources: sum(liveTasks(fw).map((t) => t.resources)).toJSON() as m.Resource[],
    offered_resources: sum(offers.map((o) => o.resources)).toJSON() as m.Resource[],
  };
}

export function getFrameworks(master: Master): GetFrameworks {
  return {
    frameworks: [...master.frameworks.values()].map((f) => frameworkV1(master, f)),
    completed_frameworks: master.completedFrameworks.map((c) => frameworkV1(master, c.record)),
    recovered_frameworks: [],
  };
}

export function getTasks(master: Master): GetTasks {
  const out: Required<GetTasks> = { pending_tasks: [], tasks: [], unreachable_tasks: [], completed_tasks: [], orphan_tasks: [] };
  for (const fw of master.frameworks.values()) {
    for (const t of fw.tasks.values()) {
      if (t.state === "TASK_UNREACHABLE") out.unreachable_tasks.push(taskV1(t));
      else if (isTerminalTaskState(t.state)) out.completed_tasks.push(taskV1(t));
      else out.tasks.push(taskV1(t));
    }
    for (const t of fw.completedTasks) out.completed_tasks.push(taskV1(t));
  }
  for (const c of master.completedFrameworks) for (const t of c.record.completedTasks) out.completed_tasks.push(taskV1(t));
  return out;
}

export function getState(master: Master): GetState {
  const executors: Array<{ executor_info: m.ExecutorInfo; agent_id: m.AgentID }> = [];
  for (const a of master.agents.values()) for (const e of a.executors.values()) executors.push({ executor_info: e, agent_id: { value: a.id } });
  return { get_tasks: getTasks(master), get_executors: { executors, orphan_executors: [] }, get_frameworks: getFrameworks(master), get_agents: getAgents(master) };
}

/** Roles with frameworks or reservations, with what their frameworks hold. */
export function getRoles(master: Master, weights: (role: string) => number = () => 1): GetRoles {
  const roles = new Map<string, { frameworks: Set<string>; resources: Resources }>();
  const role = (name: string) => {
    let r = roles.get(name);
    if (!r) roles.set(name, (r = { frameworks: new Set(), resources: Resources.empty() }));
    return r;
  };
  for (const fw of master.frameworks.values()) {
    for (const name of fw.roles) role(name).frameworks.add(fw.id);
    for (const t of liveTasks(fw)) role(t.role).resources = role(t.role).resources.plus(t.resources);
  }
  for (const a of master.agents.values()) for (const e of a.total.entries()) if (e.reservations.length > 0) role(e.reservations.at(-1)!.role);
  return {
    roles: [...roles]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, r]) => ({ name, weight: weights(name), frameworks: [...r.frameworks].map((value) => ({ value })), resources: r.resources.toJSON() as m.Resource[] })),
  };
}
