// Builders shared by the master's tests: a master over a real allocator, in-memory sinks and registry.
import { pino } from "pino";
import type { AgentEvent } from "../api/agent-protocol/events.js";
import type { AgentInfo } from "../api/agent-protocol/common.js";
import type * as m from "../api/mesos/index.js";
import type { SchedulerEvent } from "../api/scheduler/events.js";
import { HierarchicalAllocator } from "../allocator/index.js";
import { createMasterHooks, type MasterHooks } from "../hooks/node-hooks.js";
import { MemorySink } from "./event-sink.js";
import { DEFAULT_MASTER_CONFIG, Master, type MasterConfig } from "./master.js";
import type { MasterRegistry, RecoveredState } from "./registry-port.js";

/** A MasterRegistry in plain maps, for tests. */
export class FakeRegistry implements MasterRegistry {
  agents = new Map<string, AgentInfo>();
  unreachable = new Map<string, { info: AgentInfo; since: number }>();
  gone = new Set<string>();
  frameworks = new Map<string, m.FrameworkInfo>();
  async recover(): Promise<RecoveredState> {
    return {
      agents: [...this.agents].map(([id, info]) => ({ id, info })),
      unreachable: [...this.unreachable].map(([id, v]) => ({ id, ...v })),
      gone: [...this.gone],
      frameworks: [...this.frameworks].map(([id, info]) => ({ id, info })),
    };
  }
  async admitAgent(id: string, info: AgentInfo) {
    this.agents.set(id, info);
  }
  async markUnreachable(id: string, since: number) {
    const info = this.agents.get(id);
    if (info) this.unreachable.set(id, { info, since });
    this.agents.delete(id);
  }
  async markReachable(id: string, info: AgentInfo) {
    this.unreachable.delete(id);
    this.agents.set(id, info);
  }
  async removeAgent(id: string) {
    this.agents.delete(id);
  }
  async markGone(id: string) {
    this.agents.delete(id);
    this.gone.add(id);
  }
  async addFramework(id: string, info: m.FrameworkInfo) {
    this.frameworks.set(id, info);
  }
  async removeFramework(id: string) {
    this.frameworks.delete(id);
  }
}

export interface Kit {
  master: Master;
  registry: FakeRegistry;
  hooks: MasterHooks;
  clock: { now: number };
}

export function makeMaster(config: Partial<MasterConfig> = {}, registry = new FakeRegistry()): Kit {
  const hooks = createMasterHooks();
  const clock = { now: 1_000_000 };
  const allocator = new HierarchicalAllocator({ hooks: hooks.allocation });
  const master = new Master(
    { ...DEFAULT_MASTER_CONFIG, masterId: "M1", hostname: "localhost", port: 5050, version: "test", ...config },
    allocator,
    registry,
    hooks,
    pino({ level: "silent" }),
    () => clock.now,
  );
  return { master, registry, hooks, clock };
}

export const agentInfo = (hostname = "a1", resources = "cpus:4;mem:1024"): AgentInfo => ({
  hostname,
  port: 5051,
  resources: resources.split(";").map((kv) => {
    const [name, value] = kv.split(":");
    return { name: name!, type: "SCALAR", scalar: { value: Number(value) } };
  }),
  attributes: [],
});

export async function addAgent(kit: Kit, hostname = "a1", resources = "cpus:4;mem:1024") {
  const sink = new MemorySink<AgentEvent>();
  const { agentId, streamId } = await kit.master.registerAgent(
    { type: "REGISTER", register: { agent_info: agentInfo(hostname, resources), version: "1.0.0" } },
    sink,
  );
  return { agentId, streamId, sink };
}

export async function subscribe(kit: Kit, info: Partial<m.FrameworkInfo> = {}, frameworkId?: string) {
  const sink = new MemorySink<SchedulerEvent>();
  const framework_info: m.FrameworkInfo = { user: "u", name: "fw", role: "web", ...info, ...(frameworkId && { id: { value: frameworkId } }) };
  const { frameworkId: id, streamId } = await kit.master.subscribe(
    { type: "SUBSCRIBE", framework_id: frameworkId ? { value: frameworkId } : undefined, subscribe: { framework_info } },
    sink,
  );
  return { frameworkId: id, streamId, sink };
}

/** The events of one type a sink received. */
export function eventsOf<T extends SchedulerEvent["type"]>(sink: MemorySink<SchedulerEvent>, type: T) {
  return sink.events.filter((e): e is Extract<SchedulerEvent, { type: T }> => e.type === type);
}

export function agentEventsOf<T extends AgentEvent["type"]>(sink: MemorySink<AgentEvent>, type: T) {
  return sink.events.filter((e): e is Extract<AgentEvent, { type: T }> => e.type === type);
}

/** All offers a framework has been sent so far, flattened. */
export function offersOf(sink: MemorySink<SchedulerEvent>): m.Offer[] {
  return eventsOf(sink, "OFFERS").flatMap((e) => e.offers.offers ?? []);
}
