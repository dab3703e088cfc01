import "reflect-metadata"; // tsyringe refuses to load without it; harmless if the entry point loaded it already
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import { inject, injectable } from "tsyringe";
import type { AgentCall } from "../api/agent-protocol/calls.js";
import type { AgentInfo, ResourceJson, TaskStatusJson } from "../api/agent-protocol/common.js";
import { AgentProtocolError } from "../api/agent-protocol/errors.js";
import type { AgentEvent } from "../api/agent-protocol/events.js";
import { ApiError } from "../api/api-error.js";
import * as m from "../api/mesos/index.js";
import type { Accept, SchedulerCall, SchedulerCallOf } from "../api/scheduler/call.js";
import {
  errorEvent,
  failureEvent,
  heartbeatEvent,
  messageEvent,
  offersEvent,
  rescindEvent,
  subscribedEvent,
  updateEvent,
  updateOperationStatusEvent,
  type SchedulerEvent,
} from "../api/scheduler/events.js";
import type { FrameworkCapabilities, HierarchicalAllocator } from "../allocator/index.js";
import type { AgentDescriptor, FrameworkDescriptor } from "../hooks/types.js";
import type { MasterHooks } from "../hooks/node-hooks.js";
import type { ProviderHolding, ResourceProvider } from "../hooks/resource-provider-hooks.js";
import { providerAgentId } from "../allocator/index.js";
import { minusClamped } from "../allocator/resource-math.js";
import { ResourceError, Resources } from "../resources/index.js";
import { offersProblem, planAccept, tasksOf, type PlannedTask } from "./accept.js";
import { attributesRecord } from "./attributes.js";
import type { EventSink } from "./event-sink.js";
import { CounterNames, MasterCounters } from "./counters.js";
import type { AgentRecord, CompletedFramework, FrameworkRecord, OfferRecord, TaskRecord } from "./records.js";
import { reconcileStatuses, type AgentStanding } from "./reconcile.js";
import { RemovalRateLimiter, type RemovalRate } from "./removal-rate-limit.js";
import type { MasterRegistry } from "./registry-port.js";
import { ResourcesInterner } from "./resources-interner.js";
import { StatusUpdateForwarder } from "./status-update-forwarder.js";
import { appendStatus, masterStatus, receivedStatus } from "./task-status.js";
import { IllegalTransitionError, isTerminalTaskState, taskTransition } from "./task-states.js";
import { TOKENS } from "./tokens.js";

export interface MasterConfig {
  /** Unique per master run (Mesos master id); prefixes framework, agent and offer ids. */
  masterId: string;
  hostname: string;
  port: number;
  version: string;
  /** Mesos --allocation_interval (default 1 s). */
  allocationIntervalMs: number;
  /** Mesos --offer_timeout; undefined means offers never time out. */
  offerTimeoutMs?: number;
  /** HEARTBEAT events to frameworks (Mesos: 15 s). */
  heartbeatIntervalMs: number;
  /** PING events to agents (Mesos --agent_ping_timeout: 15 s). */
  agentPingIntervalMs: number;
  /** Without a PONG for this long an agent is unreachable (Mesos: 15 s × --max_agent_ping_timeouts 5). */
  agentPingTimeoutMs: number;
  /** Agents in the registry that do not re-register within this after a restart are unreachable (Mesos --agent_reregister_timeout: 10 min). */
  agentReregisterTimeoutMs: number;
  /** Mesos --agent_removal_rate_limit: unreachable markings are spaced out; undefined means no limit. */
  agentRemovalRate?: RemovalRate;
  /** An agent unreachable for this long is marked gone: its tasks TASK_GONE, its return refused (Mesos --registry_max_agent_age: 2 weeks). */
  agentUnreachableGcMs: number;
  statusUpdateRetryMinMs: number;
  statusUpdateRetryMaxMs: number;
  maxCompletedTasksPerFramework: number;
  maxCompletedFrameworks: number;
}

/** A resource provider's pool, for /master/state, GET /modules and metrics. */
export interface ProviderPoolView {
  id: string;
  kind: string;
  /** False while withheld: awaiting reconciliation after a failover, or its reconciliation failed. */
  healthy: boolean;
  total: Resources;
  /** Held by live tasks. */
  used: Resources;
  /** In outstanding offers. */
  offered: Resources;
  holders: ProviderHolding[];
  /** The provider's own `describe()`. */
  details?: Record<string, unknown>;
}

export const DEFAULT_MASTER_CONFIG: Omit<MasterConfig, "masterId" | "hostname" | "port" | "version"> = {
  allocationIntervalMs: 1000,
  heartbeatIntervalMs: 15_000,
  agentPingIntervalMs: 15_000,
  agentPingTimeoutMs: 75_000,
  agentReregisterTimeoutMs: 600_000,
  agentUnreachableGcMs: 14 * 86_400_000,
  statusUpdateRetryMinMs: 10_000,
  statusUpdateRetryMaxMs: 600_000,
  maxCompletedTasksPerFramework: 1000,
  maxCompletedFrameworks: 50,
};

const MAX_STATUSES_PER_TASK = 10;
const MESSAGE_COUNTERS = new CounterNames("messages_", true);
const TASK_STATE_COUNTERS = new CounterNames("task_state_");

/** Framework capabilities as the allocator reads them. */
function capabilitiesOf(info: m.FrameworkInfo): FrameworkCapabilities {
  return {
    revocableResources: m.hasCapability(info, "REVOCABLE_RESOURCES"),
    multiRole: m.hasCapability(info, "MULTI_ROLE"),
    gpuResources: m.hasCapability(info, "GPU_RESOURCES"),
  };
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * The master's logic: agents, frameworks, offers, tasks and status updates. Plain class with no
 * I/O of its own: events go to EventSinks, durable writes to the registry, time comes from `now`.
 * The HTTP layer (http-server.ts) turns requests into calls on it.
 */
@injectable()
export class Master {
  readonly agents = new Map<string, AgentRecord>();
  readonly frameworks = new Map<string, FrameworkRecord>();
  readonly completedFrameworks: CompletedFramework[] = [];
  readonly offers = new Map<string, OfferRecord>();
  /** Agents in the registry that have not re-registered since this master started. */
  readonly recoveredAgents = new Map<string, AgentInfo>();
  readonly unreachableAgents = new Map<string, { info: AgentInfo; since: number }>();
  readonly goneAgents = new Set<string>();
  readonly counters = new MasterCounters();
  readonly startTime: number;
  electedTime: number | undefined;
  providers: ResourceProvider[] = [];
  /** Providers whose last reconciliation failed: their pools are not offered. */
  readonly unhealthyProviders = new Set<string>();

  /** Live (non-terminal and unreachable) tasks per agent. */
  private readonly agentTasks = new Map<string, Set<TaskRecord>>();
  private readonly forwarder: StatusUpdateForwarder;
  /** Spaces out unreachable markings (agent_removal_rate_limit). */
  private readonly removals: RemovalRateLimiter;
  /** Uuids of updates the master generated (their acknowledgements stay here). */
  private readonly masterUuids = new Set<string>();
  /** Tasks with equal resources share one value. */
  private readonly taskResources = new ResourcesInterner();
  /** Kill requests for tasks on disconnected agents, re-sent when the agent re-registers. */
  private readonly pendingKills = new Map<string, Set<TaskRecord>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Last agent id seen at each `host:port` (checked against `agents` on use), so REGISTER is not a scan of every agent. */
  private readonly agentAtAddress = new Map<string, string>();
  private allocationTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private allocationScheduled = false;
  private stopped = false;
  private seq = { framework: 0, agent: 0, offer: 0 };
  /** Agents from the registry still to re-register before providers are reconciled. */
  private readonly awaitingReconcile = new Set<string>();
  private providerIds: ReadonlySet<string> = new Set();
  /** One pool refresh at a time per provider. */
  private readonly refreshing = new Map<string, Promise<void>>();

  constructor(
    @inject(TOKENS.MasterConfig) readonly config: MasterConfig,
    @inject(TOKENS.Allocator) private readonly allocator: HierarchicalAllocator,
    @inject(TOKENS.MasterRegistry) private readonly registry: MasterRegistry,
    @inject(TOKENS.MasterHooks) readonly hooks: MasterHooks,
    @inject(TOKENS.Logger) private readonly log: Logger,
    @inject(TOKENS.Clock) private readonly now: () => number,
  ) {
    this.startTime = now();
    this.removals = new RemovalRateLimiter(config.agentRemovalRate, now);
    this.forwarder = new StatusUpdateForwarder({
      send: (fid, status) => this.sendToFramework(this.frameworks.get(fid), updateEvent(status as m.TaskStatus)),
      initialBackoffMs: config.statusUpdateRetryMinMs,
      maxBackoffMs: config.statusUpdateRetryMaxMs,
    });
  }

  get id(): string {
    return this.config.masterId;
  }

  uptimeSeconds(): number {
    return (this.now() - this.startTime) / 1000;
  }

  // ------------------------------------------------------------------ lifecycle

  /** Recovers the registry, registers resource providers and starts the offer cycle and agent pings. */
  async start(): Promise<void> {
    const recovered = await this.registry.recover();
    for (const a of recovered.agents) this.recoveredAgents.set(a.id, a.info);
    for (const a of recovered.unreachable) this.unreachableAgents.set(a.id, { info: a.info, since: a.since });
    for (const id of recovered.gone) this.goneAgents.add(id);
    for (const f of recovered.frameworks) this.recoverFramework(f.id, f.info);
    if (this.recoveredAgents.size > 0) {
      this.later(this.config.agentReregisterTimeoutMs, () => this.guard("expiring recovered agents", () => this.expireRecoveredAgents()));
    }

    const providers = await this.hooks.resourceProviders.registerProviders.promise([]);
    const seen = new Set<string>();
    for (const p of providers) {
      if (seen.has(p.id)) throw new Error(`resource provider id ${JSON.stringify(p.id)} is registered twice (kind ${p.kind})`);
      seen.add(p.id);
      const res = await p.resources();
      if (!res.isEmpty()) this.allocator.addClusterResources(p.id, res);
      p.watch?.(() => this.refreshProvider(p));
      this.log.info({ provider: p.id, kind: p.kind, resources: res.toString() }, "resource provider registered");
    }
    this.providers = providers;
    this.providerIds = seen;
    if (providers.length > 0) {
      // After a failover, tasks holding provider units come back with their agents: the pools
      // are withheld until every recovered agent re-registered (or timed out) and the providers
      // were reconciled, so no unit a running task holds is offered meanwhile.
      for (const id of this.recoveredAgents.keys()) this.awaitingReconcile.add(id);
      if (this.awaitingReconcile.size === 0) await this.reconcileProviders();
      else for (const p of providers) this.setPoolActive(p.id, false);
    }

    this.allocationTimer = setInterval(() => this.guard("allocation cycle", () => this.allocate()), this.config.allocationIntervalMs);
    this.allocationTimer.unref();
    this.pingTimer = setInterval(() => this.guard("pinging agents", () => this.pingAgents()), this.config.agentPingIntervalMs);
    this.pingTimer.unref();
    this.electedTime = this.now();
    this.hooks.masterLifecycle.elected.call({ masterId: this.id });
    this.log.info(
      { masterId: this.id, agents: this.recoveredAgents.size, frameworks: this.frameworks.size },
      "master recovered its registry and elected itself",
    );
  }

  /** Stops timers and closes every stream; nothing is written to the registry. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.allocationTimer);
    clearInterval(this.pingTimer);
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const o of this.offers.values()) clearTimeout(o.timer);
    this.forwarder.stop();
    this.removals.stop();
    for (const fw of this.frameworks.values()) {
      clearInterval(fw.heartbeat);
      clearTimeout(fw.failoverTimer);
      fw.sink?.close();
    }
    for (const agent of this.agents.values()) agent.sink?.close();
  }

  // ------------------------------------------------------------------ frameworks

  /**
   * SUBSCRIBE: a new framework, a failover (same id, new stream) or a framework known only from
   * the registry. Events go to `sink`, SUBSCRIBED first. Returns the stream id for the header.
   */
  async subscribe(call: SchedulerCallOf<"SUBSCRIBE">, sink: EventSink<SchedulerEvent>): Promise<{ frameworkId: string; streamId: string }> {
    const body = call.subscribe;
    const requestedId = call.framework_id?.value;
    const streamId = randomUUID();
    if (requestedId !== undefined && this.completedFrameworks.some((c) => c.record.id === requestedId)) {
      sink.send(errorEvent(`Framework ${requestedId} has been removed`));
      sink.close();
      return { frameworkId: requestedId, streamId };
    }
    const existing = requestedId !== undefined ? this.frameworks.get(requestedId) : undefined;
    const id = requestedId ?? this.nextFrameworkId();
    const info: m.FrameworkInfo = { ...body.framework_info, id: { value: id } };
    const roles = m.frameworkRoles(info);
    const suppressed = body.suppressed_roles ?? [];
    await this.registry.addFramework(id, info);
    const now = this.now();

    let fw: FrameworkRecord;
    if (existing) {
      fw = existing;
      if (fw.sink && !fw.sink.closed) {
        // The old connection is superseded (Mesos: "framework failed over").
        fw.sink.send(errorEvent("Framework failed over"));
        fw.sink.close();
      }
      clearTimeout(fw.failoverTimer);
      fw.failoverTimer = undefined;
      clearInterval(fw.heartbeat);
      for (const offerId of [...fw.offers]) this.removeOffer(this.offers.get(offerId)!, { rescind: false, recover: true });
      fw.info = info;
      fw.roles = roles;
      fw.partitionAware = m.hasCapability(info, "PARTITION_AWARE");
      fw.suppressedRoles = new Set(suppressed);
      fw.reregisteredAt = now;
      fw.unregisteredAt = undefined;
      this.allocator.updateFramework(id, { roles, capabilities: capabilitiesOf(info), suppressedRoles: suppressed });
      this.allocator.activateFramework(id);
    } else {
      fw = this.newFrameworkRecord(id, info, now);
      fw.suppressedRoles = new Set(suppressed);
      this.frameworks.set(id, fw);
      this.allocator.addFramework(id, { roles, capabilities: capabilitiesOf(info), suppressedRoles: suppressed, active: true });
    }
    fw.connected = true;
    fw.active = true;
    fw.sink = sink;
    fw.streamId = streamId;
    sink.send(subscribedEvent({ value: id }, this.config.heartbeatIntervalMs / 1000, this.masterInfo()));
    fw.heartbeat = setInterval(() => this.sendToFramework(fw, heartbeatEvent()), this.config.heartbeatIntervalMs);
    fw.heartbeat.unref();
    this.forwarder.resend(id);
    this.counters.inc(existing ? "framework_reregistrations" : "framework_registrations");
    this.log.info({ frameworkId: id, name: info.name, roles, resubscribed: !!existing }, "framework subscribed");
    this.hooks.masterLifecycle.frameworkSubscribed.call(this.frameworkDescriptor(fw), { resubscribed: !!existing });
    this.scheduleAllocation();
    return { frameworkId: id, streamId };
  }

  /** The framework's stream closed: it keeps its tasks until its failover timeout. */
  frameworkDisconnected(frameworkId: string, streamId: string): void {
    const fw = this.frameworks.get(frameworkId);
    if (!fw || fw.streamId !== streamId || this.stopped) return;
    fw.connected = false;
    fw.active = false;
    fw.sink = undefined;
    fw.unregisteredAt = this.now();
    clearInterval(fw.heartbeat);
    fw.heartbeat = undefined;
    this.allocator.deactivateFramework(frameworkId);
    for (const offerId of [...fw.offers]) this.removeOffer(this.offers.get(offerId)!, { rescind: false, recover: true });
    const timeoutMs = Math.max(0, (fw.info.failover_timeout ?? 0) * 1000);
    this.log.info({ frameworkId, failoverTimeoutMs: timeoutMs }, "framework disconnected");
    this.armFailover(fw, timeoutMs);
  }

  /** Any call but SUBSCRIBE; `streamId` is the request's Mesos-Stream-Id header. */
  async schedulerCall(call: Exclude<SchedulerCall, { type: "SUBSCRIBE" }>, streamId: string): Promise<void> {
    const fw = this.frameworks.get(call.framework_id.value);
    // Statuses as Mesos answers them: unknown framework 400, known but not connected 403.
    if (!fw) throw new ApiError(`framework_id: framework ${JSON.stringify(call.framework_id.value)} cannot be found`, 400);
    if (!fw.connected) throw new ApiError(`framework_id: framework ${fw.id} is not subscribed; SUBSCRIBE first`, 403);
    if (fw.streamId !== streamId) {
      throw new ApiError(`Mesos-Stream-Id: ${JSON.stringify(streamId)} does not match the stream of framework ${fw.id}`, 400);
    }
    this.counters.inc(MESSAGE_COUNTERS.of(call.type));
    switch (call.type) {
      case "TEARDOWN":
        this.removeFramework(fw, "teardown");
        return;
      case "ACCEPT":
        return this.accept(fw, call.accept);
      case "DECLINE":
        for (const offerId of call.decline.offer_ids ?? []) {
          const offer = this.offers.get(offerId.value);
          if (!offer || offer.frameworkId !== fw.id) {
            this.log.debug({ frameworkId: fw.id, offerId: offerId.value }, "ignoring DECLINE of an unknown offer");
            continue;
          }
          this.removeOffer(offer, { rescind: false, recover: false });
          this.allocator.recoverResources(fw.id, offer.agentId, offer.resources, { refuseSeconds: call.decline.filters?.refuse_seconds }, this.now());
        }
        return;
      case "ACCEPT_INVERSE_OFFERS":
      case "DECLINE_INVERSE_OFFERS":
        this.log.debug({ frameworkId: fw.id, type: call.type }, "no inverse offers outstanding (no maintenance schedules)");
        return;
      case "REVIVE":
      case "SUPPRESS": {
        const field = call.type === "REVIVE" ? "revive" : "suppress";
        const body = call.type === "REVIVE" ? call.revive : call.suppress;
        const roles = body?.roles && body.roles.length > 0 ? body.roles : undefined;
        roles?.forEach((r, i) => {
          if (!fw.roles.includes(r)) throw new ApiError(`${field}.roles[${i}]: ${JSON.stringify(r)} is not one of the framework's roles (${fw.roles.join(", ")})`);
        });
        if (call.type === "REVIVE") {
          this.allocator.revive(fw.id, roles);
          for (const r of roles ?? fw.roles) fw.suppressedRoles.delete(r);
          this.scheduleAllocation();
        } else {
          this.allocator.suppress(fw.id, roles);
          for (const r of roles ?? fw.roles) fw.suppressedRoles.add(r);
        }
        return;
      }
      case "KILL":
        this.kill(fw, call.kill);
        return;
      case "SHUTDOWN": {
        const agentId = call.shutdown.agent_id.value;
        for (const task of this.agentTasks.get(agentId) ?? []) {
          if (task.frameworkId === fw.id && task.executorId === call.shutdown.executor_id.value) this.kill(fw, { task_id: { value: task.id } });
        }
        return;
      }
      case "ACKNOWLEDGE":
        this.acknowledge(fw, call.acknowledge);
        return;
      case "ACKNOWLEDGE_OPERATION_STATUS":
        this.log.debug({ frameworkId: fw.id }, "operation status acknowledged (operations are not tracked)");
        return;
      case "RECONCILE": {
        const statuses = reconcileStatuses({
          partitionAware: fw.partitionAware,
          tasks: fw.tasks,
          request: call.reconcile.tasks ?? [],
          standing: (id) => this.standing(id),
          hasRecoveredAgents: this.recoveredAgents.size > 0,
          nowMs: this.now(),
        });
        for (const s of statuses) this.sendToFramework(fw, updateEvent(s));
        return;
      }
      case "RECONCILE_OPERATIONS":
        for (const op of call.reconcile_operations.operations ?? []) {
          this.sendToFramework(
            fw,
            updateOperationStatusEvent({
              operation_id: op.operation_id,
              state: "OPERATION_UNKNOWN",
              ...(op.agent_id && { agent_id: op.agent_id }),
              message: "this master does not track offer operations",
            }),
          );
        }
        return;
      case "MESSAGE": {
        const agent = this.agents.get(call.message.agent_id.value);
        if (!agent?.connected) {
          this.counters.inc("invalid_framework_to_executor_messages");
          throw new ApiError(`message.agent_id: agent ${JSON.stringify(call.message.agent_id.value)} is not connected`, 400);
        }
        this.sendToAgent(agent, {
          type: "FRAMEWORK_MESSAGE",
          framework_message: { framework_id: { value: fw.id }, executor_id: call.message.executor_id, data: call.message.data },
        });
        this.counters.inc("valid_framework_to_executor_messages");
        return;
      }
      case "REQUEST":
        // Mesos ignores resource requests too (the allocator decides).
        this.log.info({ frameworkId: fw.id, requests: call.request.requests?.length ?? 0 }, "REQUEST ignored");
        return;
      case "UPDATE_FRAMEWORK": {
        const info = { ...call.update_framework.framework_info, id: { value: fw.id } };
        const roles = m.frameworkRoles(info);
        await this.registry.addFramework(fw.id, info);
        const suppressed = call.update_framework.suppressed_roles ?? [];
        this.allocator.updateFramework(fw.id, { roles, capabilities: capabilitiesOf(info), suppressedRoles: suppressed });
        for (const offerId of [...fw.offers]) {
          const offer = this.offers.get(offerId)!;
          if (!roles.includes(offer.role)) this.removeOffer(offer, { rescind: true, recover: true });
        }
        fw.info = info;
        fw.roles = roles;
        fw.partitionAware = m.hasCapability(info, "PARTITION_AWARE");
        fw.suppressedRoles = new Set(suppressed);
        this.log.info({ frameworkId: fw.id, roles }, "framework updated");
        this.scheduleAllocation();
        return;
      }
    }
  }

  /** TEARDOWN or failover timeout: kill its tasks, return everything, forget it. */
  removeFramework(fw: FrameworkRecord, reason: string): void {
    if (!this.frameworks.has(fw.id)) return;
    for (const offerId of [...fw.offers]) this.removeOffer(this.offers.get(offerId)!, { rescind: false, recover: false });
    const agentsToTell = new Set<string>();
    for (const task of [...fw.tasks.values()]) {
      if (!isTerminalTaskState(task.state)) {
        agentsToTell.add(task.agentId);
        this.setTaskState(task, masterStatus({ taskId: task.id, state: "TASK_KILLED", agentId: task.agentId, reason: "REASON_FRAMEWORK_REMOVED", message: `framework removed: ${reason}`, reliable: false, nowMs: this.now() }), { recover: false });
      }
      this.completeTask(task);
    }
    for (const agentId of agentsToTell) {
      const agent = this.agents.get(agentId);
      if (agent) this.sendToAgent(agent, { type: "SHUTDOWN_FRAMEWORK", shutdown_framework: { framework_id: { value: fw.id } } });
    }
    for (const agent of this.agents.values()) {
      for (const key of [...agent.executors.keys()]) if (key.startsWith(`${fw.id}/`)) agent.executors.delete(key);
    }
    // The allocator hands back whatever the framework still held.
    this.allocator.removeFramework(fw.id);
    this.forwarder.removeFramework(fw.id);
    clearInterval(fw.heartbeat);
    clearTimeout(fw.failoverTimer);
    if (fw.sink && !fw.sink.closed) fw.sink.close();
    fw.connected = false;
    fw.active = false;
    fw.sink = undefined;
    fw.unregisteredAt = this.now();
    this.frameworks.delete(fw.id);
    this.completedFrameworks.push({ record: fw, removedAt: this.now(), reason });
    while (this.completedFrameworks.length > this.config.maxCompletedFrameworks) this.completedFrameworks.shift();
    this.registry.removeFramework(fw.id).catch((e) => this.log.error({ frameworkId: fw.id, err: errorMessage(e) }, "registry: removing framework failed"));
    this.counters.inc("framework_removals");
    this.log.info({ frameworkId: fw.id, reason }, "framework removed");
    this.hooks.masterLifecycle.frameworkRemoved.call(this.frameworkDescriptor(fw), { reason });
  }

  // ------------------------------------------------------------------ offers

  /** One allocation cycle: ask the allocator (whose decisions pass through the allocation hooks) and send OFFERS. */
  allocate(): void {
    if (this.stopped) return;
    const now = this.now();
    const byFramework = new Map<FrameworkRecord, m.Offer[]>();
    let decided: ReturnType<HierarchicalAllocator["allocate"]>;
    try {
      decided = this.allocator.allocate(now);
    } catch (e) {
      // A failing cycle (e.g. a hook that throws) must not take the master down; the next one retries.
      this.log.error({ err: errorMessage(e) }, "allocation cycle failed");
      return;
    }
    for (const o of decided) {
      const fw = this.frameworks.get(o.frameworkId);
      const agent = this.agents.get(o.agentId);
      if (!fw || !fw.connected || !agent?.connected) {
        // A pool of cluster-wide resources offered on its own cannot host a task: hold it back one cycle.
        const refuseSeconds = agent ? 0 : this.config.allocationIntervalMs / 1000;
        this.allocator.recoverResources(o.frameworkId, o.agentId, o.resources, { refuseSeconds }, now);
        continue;
      }
      const offer: OfferRecord = { id: this.nextOfferId(), frameworkId: fw.id, agentId: agent.id, role: o.role, resources: o.resources, createdAt: now };
      this.offers.set(offer.id, offer);
      fw.offers.add(offer.id);
      if (this.config.offerTimeoutMs !== undefined) {
        offer.timer = setTimeout(
          () =>
            this.guard("offer timeout", () => {
              this.log.info({ offerId: offer.id, frameworkId: fw.id }, "offer timed out");
              this.counters.inc("offers_timed_out");
              this.removeOffer(offer, { rescind: true, recover: true });
            }),
          this.config.offerTimeoutMs,
        );
        offer.timer.unref();
      }
      let list = byFramework.get(fw);
      if (!list) byFramework.set(fw, (list = []));
      list.push(this.offerJson(offer, agent));
    }
    for (const [fw, offers] of byFramework) {
      this.sendToFramework(fw, offersEvent(offers));
      this.counters.add("offers_sent", offers.length);
      this.log.info({ frameworkId: fw.id, offers: offers.length }, "sent offers");
    }
  }

  /** Runs an allocation cycle soon, once for a burst of events (Mesos batches them too). */
  scheduleAllocation(): void {
    if (this.allocationScheduled || this.stopped) return;
    this.allocationScheduled = true;
    setImmediate(() => {
      this.allocationScheduled = false;
      this.guard("allocation cycle", () => this.allocate());
    });
  }

  private removeOffer(offer: OfferRecord, opts: { rescind: boolean; recover: boolean }): void {
    if (!this.offers.delete(offer.id)) return;
    clearTimeout(offer.timer);
    const fw = this.frameworks.get(offer.frameworkId);
    fw?.offers.delete(offer.id);
    if (opts.recover) this.allocator.recoverResources(offer.frameworkId, offer.agentId, offer.resources, undefined, this.now());
    if (opts.rescind && fw) {
      this.sendToFramework(fw, rescindEvent({ value: offer.id }));
      this.counters.inc("offers_rescinded");
    }
  }

  private rescindAgentOffers(agentId: string, recover: boolean): void {
    for (const offer of [...this.offers.values()]) {
      if (offer.agentId === agentId) this.removeOffer(offer, { rescind: true, recover });
    }
  }

  private offerJson(offer: OfferRecord, agent: AgentRecord): m.Offer {
    const executorIds = [...agent.executors.keys()].filter((k) => k.startsWith(`${offer.frameworkId}/`)).map((k) => ({ value: k.slice(offer.frameworkId.length + 1) }));
    return {
      id: { value: offer.id },
      framework_id: { value: offer.frameworkId },
      agent_id: { value: agent.id },
      hostname: agent.info.hostname,
      url: { scheme: "http", address: { hostname: agent.info.hostname, port: agent.info.port }, path: "/slave(1)", query: [] },
      resources: offer.resources.toJSON() as m.Resource[],
      attributes: agent.info.attributes as m.Attribute[],
      executor_ids: executorIds,
      allocation_info: { role: offer.role },
      ...(agent.info.domain !== undefined && { domain: agent.info.domain as m.DomainInfo }),
    };
  }

  // ------------------------------------------------------------------ accept

  private async accept(fw: FrameworkRecord, accept: Accept): Promise<void> {
    const offerIds = (accept.offer_ids ?? []).map((o) => o.value);
    const now = this.now();
    const problem = offersProblem(fw.id, offerIds, (id) => this.offers.get(id));
    if (problem) {
      for (const id of offerIds) {
        const offer = this.offers.get(id);
        if (offer?.frameworkId === fw.id) this.removeOffer(offer, { rescind: false, recover: true });
      }
      const state = fw.partitionAware ? "TASK_DROPPED" : "TASK_LOST";
      for (const task of tasksOf(accept)) {
        this.sendMasterUpdate(fw, { taskId: task.task_id.value, state, agentId: task.agent_id.value, reason: "REASON_INVALID_OFFERS", message: problem });
        this.counters.inc(TASK_STATE_COUNTERS.of(state));
      }
      this.log.warn({ frameworkId: fw.id, problem }, "ACCEPT refused: invalid offers");
      return;
    }
    const offers = offerIds.map((id) => this.offers.get(id)!);
    for (const offer of offers) this.removeOffer(offer, { rescind: false, recover: false });
    const agentId = offers[0]!.agentId;
    const offered = offers.reduce((s, o) => s.plus(o.resources), Resources.empty());
    const agent = this.agents.get(agentId);
    if (!agent?.connected) {
      this.allocator.recoverResources(fw.id, agentId, offered, undefined, now);
      const state = fw.partitionAware ? "TASK_DROPPED" : "TASK_LOST";
      for (const task of tasksOf(accept)) {
        this.sendMasterUpdate(fw, { taskId: task.task_id.value, state, agentId, reason: "REASON_AGENT_DISCONNECTED", message: `agent ${agentId} is not connected` });
        this.counters.inc(TASK_STATE_COUNTERS.of(state));
      }
      return;
    }

    const plan = planAccept(accept, offers, {
      frameworkId: fw.id,
      agentId,
      taskIdInUse: (id) => fw.tasks.has(id),
      existingExecutor: (eid) => agent.executors.get(`${fw.id}/${eid}`),
    });
    let giveBack = plan.remaining;
    for (const op of plan.operations) {
      switch (op.kind) {
        case "launch":
        case "launch_group": {
          // Without providers there is nothing to ask: no await (a microtask and a promise) per task.
          const failure = this.providers.length === 0 ? undefined : await this.allocateProviderResources(fw, agentId, op.tasks);
          if (failure !== undefined) {
            for (const t of op.tasks) {
              this.sendMasterUpdate(fw, { taskId: t.info.task_id.value, state: "TASK_ERROR", agentId, reason: "REASON_TASK_INVALID", message: failure });
              this.counters.inc("task_state_TASK_ERROR");
              giveBack = giveBack.plus(t.resources);
            }
            break;
          }
          for (const t of op.tasks) this.addTask(fw, agent, t);
          // A LAUNCH has one task: its resources as they are, no sum to build per task.
          this.notifyAccepted(fw, agentId, op.tasks.length === 1 ? op.tasks[0]!.resources : op.tasks.reduce((s, t) => s.plus(t.resources), Resources.empty()));
          if (op.kind === "launch") {
            const t = op.tasks[0]!;
            this.sendToAgent(agent, {
              type: "RUN_TASK",
              run_task: { framework_id: { value: fw.id }, framework_info: this.frameworkInfoJson(fw), task: this.taskJson(t) },
            });
          } else {
            this.sendToAgent(agent, {
              type: "RUN_TASK_GROUP",
              run_task_group: {
                framework_id: { value: fw.id },
                framework_info: this.frameworkInfoJson(fw),
                executor: { ...op.executor, framework_id: { value: fw.id }, resources: op.executor.resources ?? [] },
                task_group: { tasks: op.tasks.map((t) => this.taskJson(t)) },
              },
            });
          }
          if (this.log.isLevelEnabled("info")) this.log.info({ frameworkId: fw.id, agentId, tasks: op.tasks.map((t) => t.info.task_id.value) }, "launching tasks");
          break;
        }
        case "drop_tasks":
          for (const task of op.tasks) {
            this.sendMasterUpdate(fw, { taskId: task.task_id.value, state: op.state, agentId, reason: op.reason, message: op.message });
          }
          this.counters.add(TASK_STATE_COUNTERS.of(op.state), op.tasks.length);
          this.log.warn({ frameworkId: fw.id, message: op.message }, "ACCEPT: invalid task(s)");
          break;
        case "reserve":
        case "unreserve": {
          try {
            const operation = op.kind === "reserve" ? { type: "RESERVE" as const, resources: op.converted } : { type: "UNRESERVE" as const, resources: op.consumed };
            this.allocator.updateAllocation(fw.id, agentId, op.consumed, [operation]);
            agent.total = agent.total.minus(op.consumed.unallocated()).plus(op.converted.unallocated());
            this.sendToAgent(agent, {
              type: "CHECKPOINT_RESOURCES",
              checkpoint_resources: { resources: agent.total.filter((e) => e.reservations.some((r) => r.type === "DYNAMIC")).toJSON() as unknown as ResourceJson[] },
            });
            this.log.info({ frameworkId: fw.id, agentId, operation: op.kind, resources: op.converted.toString() }, "applied operation");
          } catch (e) {
            this.refuseOperation(fw, agentId, op.kind.toUpperCase(), undefined, `accept.operations[${op.index}]: ${errorMessage(e)}`);
            giveBack = giveBack.minus(op.converted).plus(op.consumed);
          }
          break;
        }
        case "refused":
          this.refuseOperation(fw, agentId, op.type, op.operationId, op.message);
          break;
      }
    }
    if (!giveBack.isEmpty()) {
      this.allocator.recoverResources(fw.id, agentId, giveBack, { refuseSeconds: accept.filters?.refuse_seconds }, now);
    }
  }

  private refuseOperation(fw: FrameworkRecord, agentId: string, type: string, operationId: string | undefined, message: string): void {
    this.log.warn({ frameworkId: fw.id, operation: type, message }, "operation refused");
    if (operationId !== undefined) {
      this.sendToFramework(fw, updateOperationStatusEvent({ operation_id: { value: operationId }, state: "OPERATION_ERROR", message, agent_id: { value: agentId } }));
    }
  }

  private notifyAccepted(fw: FrameworkRecord, agentId: string, used: Resources): void {
    try {
      // Fires the allocation hooks' `accepted`; LAUNCH changes nothing else in the allocator.
      this.allocator.updateAllocation(fw.id, agentId, used, [{ type: "LAUNCH" }]);
    } catch (e) {
      this.log.warn({ frameworkId: fw.id, agentId, err: errorMessage(e) }, "allocator refused updateAllocation");
    }
  }

  /** Cluster-wide resources in launched tasks: each provider must agree (apply ALLOCATE). */
  private async allocateProviderResources(fw: FrameworkRecord, agentId: string, tasks: PlannedTask[]): Promise<string | undefined> {
    const done: Array<[TaskRecord, ResourceProvider]> = [];
    for (const t of tasks) {
      for (const provider of this.providers) {
        const mine = t.resources.fromProvider(provider.id);
        if (mine.isEmpty()) continue;
        const operation = { id: randomUUID(), providerId: provider.id, type: "ALLOCATE" as const, frameworkId: fw.id, taskId: t.info.task_id.value, resources: mine };
        try {
          await this.hooks.resourceProviders.applyOperation.promise(operation, provider);
          await provider.apply(operation);
          this.hooks.resourceProviders.operationApplied.call(operation, provider);
        } catch (e) {
          // All or nothing: what earlier tasks of this operation were given goes back.
          for (const [task, p] of done) this.releaseProviderResources(task, p);
          return `resource provider ${provider.id} refused ${mine.toString()}: ${errorMessage(e)}`;
        }
        done.push([{ id: t.info.task_id.value, frameworkId: fw.id, resources: mine } as TaskRecord, provider]);
      }
    }
    for (const t of tasks) {
      for (const provider of this.providers) {
        const mine = t.resources.fromProvider(provider.id);
        if (mine.isEmpty() || !this.hooks.resourceProviders.launchTask.isUsed()) continue;
        const changed = this.hooks.resourceProviders.launchTask.call(t.info, { frameworkId: fw.id, agentId, provider, resources: mine }) as m.TaskInfo;
        if (changed?.task_id?.value !== t.info.task_id.value) {
          this.log.warn({ provider: provider.id, taskId: t.info.task_id.value }, "a launchTask tap changed the task id; ignored");
          continue;
        }
        t.info = { ...changed, resources: t.info.resources };
      }
    }
    return undefined;
  }

  private releaseProviderResources(task: TaskRecord, only?: ResourceProvider): void {
    for (const provider of only ? [only] : this.providers) {
      const mine = task.resources.fromProvider(provider.id);
      if (mine.isEmpty()) continue;
      const operation = { id: randomUUID(), providerId: provider.id, type: "RELEASE" as const, frameworkId: task.frameworkId, taskId: task.id, resources: mine };
      this.hooks.resourceProviders.applyOperation
        .promise(operation, provider)
        .then(() => provider.apply(operation))
        .then(() => this.hooks.resourceProviders.operationApplied.call(operation, provider))
        .catch((e) => this.log.error({ provider: provider.id, taskId: task.id, err: errorMessage(e) }, "resource provider failed to release"));
    }
  }

  /** Units of the registered providers' pools among `res`. */
  private poolUnits(res: Resources): Resources {
    if (this.providerIds.size === 0) return Resources.empty();
    return res.filter((e) => e.providerId !== undefined && this.providerIds.has(e.providerId));
  }

  private setPoolActive(providerId: string, active: boolean): void {
    const pool = providerAgentId(providerId);
    if (this.allocator.total(pool) === undefined) return;
    if (active) this.allocator.activateAgent(pool);
    else this.allocator.deactivateAgent(pool);
  }

  /** Each provider's pool as operators see it: its total, units held by tasks and in offers, and who holds them. */
  providerPools(): ProviderPoolView[] {
    return this.providers.map((p) => {
      const holders = this.providerHoldings(p);
      let used = Resources.empty();
      for (const h of holders) used = used.plus(h.resources.unallocated());
      let offered = Resources.empty();
      for (const o of this.offers.values()) offered = offered.plus(o.resources.fromProvider(p.id).unallocated());
      let details: Record<string, unknown> | undefined;
      try {
        details = p.describe?.();
      } catch (e) {
        details = { error: errorMessage(e) };
      }
      return {
        id: p.id,
        kind: p.kind,
        healthy: !this.unhealthyProviders.has(p.id) && this.awaitingReconcile.size === 0,
        total: this.allocator.total(providerAgentId(p.id)) ?? Resources.empty(),
        used,
        offered,
        holders,
        ...(details !== undefined && { details }),
      };
    });
  }

  /** What each live task holds of `provider`, as the agents reported it. */
  providerHoldings(provider: ResourceProvider): ProviderHolding[] {
    const out: ProviderHolding[] = [];
    for (const fw of this.frameworks.values()) {
      for (const t of fw.tasks.values()) {
        if (isTerminalTaskState(t.state)) continue;
        const mine = t.resources.fromProvider(provider.id);
        if (!mine.isEmpty()) out.push({ frameworkId: fw.id, taskId: t.id, resources: mine });
      }
    }
    return out;
  }

  /**
   * Runs the `reconcile` hook and `provider.reconcile` with what live tasks hold of each
   * provider. A provider that fails is unhealthy: its pool is not offered until a later
   * reconciliation succeeds.
   */
  async reconcileProviders(): Promise<void> {
    for (const p of this.providers) {
      const holdings = this.providerHoldings(p);
      try {
        await this.hooks.resourceProviders.reconcile.promise(p, holdings);
        await p.reconcile(holdings);
        this.unhealthyProviders.delete(p.id);
        this.setPoolActive(p.id, true);
        this.log.info({ provider: p.id, holdings: holdings.length }, "resource provider reconciled");
      } catch (e) {
        this.unhealthyProviders.add(p.id);
        this.setPoolActive(p.id, false);
        this.log.error({ provider: p.id, err: errorMessage(e) }, "resource provider failed to reconcile; its resources are not offered");
      }
    }
    this.scheduleAllocation();
  }

  /** A provider said its resources changed: follow, one refresh at a time. */
  refreshProvider(p: ResourceProvider): Promise<void> {
    const run = (this.refreshing.get(p.id) ?? Promise.resolve()).then(() => this.applyProviderTotal(p));
    const tail = run.catch((e: unknown) => this.log.error({ provider: p.id, err: errorMessage(e) }, "refreshing a resource provider failed"));
    this.refreshing.set(p.id, tail);
    return tail;
  }

  /** Rescinds offers holding units beyond the new total (oldest offers keep theirs first), then sets the pool. */
  private async applyProviderTotal(p: ResourceProvider): Promise<void> {
    if (this.stopped) return;
    const total = (await p.resources()).unallocated();
    let room = minusClamped(total, this.providerHoldings(p).reduce((s, h) => s.plus(h.resources.unallocated()), Resources.empty()));
    let rescinded = 0;
    for (const offer of [...this.offers.values()]) {
      const part = offer.resources.fromProvider(p.id).unallocated();
      if (part.isEmpty()) continue;
      if (room.contains(part)) {
        room = room.minus(part);
        continue;
      }
      this.removeOffer(offer, { rescind: true, recover: true });
      rescinded++;
    }
    this.allocator.setClusterResources(p.id, total);
    // A pool created just now stays withheld like the others until reconciliation succeeded.
    if (this.awaitingReconcile.size > 0 || this.unhealthyProviders.has(p.id)) this.setPoolActive(p.id, false);
    this.log.info({ provider: p.id, resources: total.toString(), rescinded }, "resource provider's resources changed");
    this.scheduleAllocation();
  }

  // ------------------------------------------------------------------ tasks

  private addTask(fw: FrameworkRecord, agent: AgentRecord, planned: PlannedTask): TaskRecord {
    // The record keeps resources once, as Resources; the JSON copy in the TaskInfo would double a task's heap.
    const { resources: _json, ...info } = planned.info;
    // One AgentID object per agent, not one per task (the task's statuses share it too).
    if (agent.info.id?.value === info.agent_id.value) info.agent_id = agent.info.id;
    const task: TaskRecord = {
      id: planned.info.task_id.value,
      name: planned.info.name,
      frameworkId: fw.id,
      agentId: agent.id,
      executorId: planned.executor?.executor_id.value,
      role: planned.role,
      info,
      resources: this.taskResources.intern(planned.resources),
      state: "TASK_STAGING",
      statuses: [],
      // Every field from the start keeps them all inside the object (fields added later cost a 40 B side array).
      statusUpdateState: undefined,
      statusUpdateUuid: undefined,
    };
    fw.tasks.set(task.id, task);
    this.liveTasksOf(agent.id).add(task);
    if (planned.executor) agent.executors.set(`${fw.id}/${planned.executor.executor_id.value}`, planned.executor);
    this.counters.inc("tasks_launched");
    return task;
  }

  private liveTasksOf(agentId: string): Set<TaskRecord> {
    let set = this.agentTasks.get(agentId);
    if (!set) this.agentTasks.set(agentId, (set = new Set()));
    return set;
  }

  /**
   * Moves a task to the status's state (if legal) and records the status. A task entering a
   * terminal state gives its resources back (unless the caller recovers them some other way).
   */
  private setTaskState(task: TaskRecord, status: m.TaskStatus, opts: { recover: boolean }): void {
    task.statuses = appendStatus(task.statuses, status, MAX_STATUSES_PER_TASK);
    if (status.uuid !== undefined) {
      task.statusUpdateState = status.state;
      task.statusUpdateUuid = status.uuid;
    }
    if (status.state === task.state) return;
    let frees: boolean;
    try {
      frees = taskTransition(task.id, task.state, status.state).freesResources;
    } catch (e) {
      if (!(e instanceof IllegalTransitionError)) throw e;
      this.counters.inc("invalid_status_updates");
      this.log.warn({ taskId: task.id, from: task.state, to: status.state }, "ignoring an illegal task state transition");
      return;
    }
    task.state = status.state;
    this.counters.inc(TASK_STATE_COUNTERS.of(status.state));
    if (!frees) return;
    this.agentTasks.get(task.agentId)?.delete(task);
    this.pendingKills.get(task.agentId)?.delete(task);
    if (opts.recover) this.allocator.recoverResources(task.frameworkId, task.agentId, task.resources, undefined, this.now());
    else {
      // The caller recovers the agent's part (agent or framework removal); pool units live in
      // the providers' pools, which removing an agent does not touch.
      const pooled = this.poolUnits(task.resources);
      if (!pooled.isEmpty()) this.allocator.recoverResources(task.frameworkId, task.agentId, pooled, undefined, this.now());
    }
    this.releaseProviderResources(task);
    if (task.executorId !== undefined) {
      const stillUsed = [...(this.agentTasks.get(task.agentId) ?? [])].some((t) => t.frameworkId === task.frameworkId && t.executorId === task.executorId);
      if (!stillUsed) this.agents.get(task.agentId)?.executors.delete(`${task.frameworkId}/${task.executorId}`);
    }
  }

  /** A terminal task leaves the framework's live set for its completed list. */
  private completeTask(task: TaskRecord): void {
    const fw = this.frameworks.get(task.frameworkId);
    if (!fw || fw.tasks.get(task.id) !== task) return;
    fw.tasks.delete(task.id);
    fw.completedTasks.push(task);
    while (fw.completedTasks.length > this.config.maxCompletedTasksPerFramework) fw.completedTasks.shift();
  }

  /** A status the master generates, sent reliably (re-sent until acknowledged). */
  private sendMasterUpdate(
    fw: FrameworkRecord,
    s: { taskId: string; state: m.TaskState; agentId?: string; reason?: m.TaskStatusReason; message?: string },
  ): m.TaskStatus {
    const status = masterStatus({ ...s, reliable: true, nowMs: this.now() });
    this.masterUuids.add(status.uuid!);
    this.forwarder.forward(fw.id, status as TaskStatusJson);
    return status;
  }

  private kill(fw: FrameworkRecord, kill: { task_id: m.TaskID; agent_id?: m.AgentID; kill_policy?: m.KillPolicy }): void {
    const task = fw.tasks.get(kill.task_id.value);
    if (!task) {
      const state = fw.partitionAware ? "TASK_UNKNOWN" : "TASK_LOST";
      this.sendToFramework(
        fw,
        updateEvent(masterStatus({ taskId: kill.task_id.value, state, ...(kill.agent_id && { agentId: kill.agent_id.value }), reason: "REASON_RECONCILIATION", message: "Attempted to kill an unknown task", reliable: false, nowMs: this.now() })),
      );
      return;
    }
    if (isTerminalTaskState(task.state)) return;
    const agent = this.agents.get(task.agentId);
    if (!agent?.connected) {
      let set = this.pendingKills.get(task.agentId);
      if (!set) this.pendingKills.set(task.agentId, (set = new Set()));
      set.add(task);
      this.log.info({ taskId: task.id, agentId: task.agentId }, "agent not connected; the kill is sent when it re-registers");
      return;
    }
    const policy = kill.kill_policy ?? task.info.kill_policy;
    this.sendToAgent(agent, { type: "KILL_TASK", kill_task: { framework_id: { value: fw.id }, task_id: { value: task.id }, ...(policy && { kill_policy: policy }) } });
    this.log.info({ frameworkId: fw.id, taskId: task.id, agentId: agent.id }, "asked agent to kill task");
  }

  private acknowledge(fw: FrameworkRecord, ack: { agent_id: m.AgentID; task_id: m.TaskID; uuid: string }): void {
    this.forwarder.acknowledge(fw.id, ack.task_id.value, ack.uuid);
    const task = fw.tasks.get(ack.task_id.value);
    if (task && task.statusUpdateUuid === ack.uuid) {
      task.statusUpdateState = undefined;
      task.statusUpdateUuid = undefined;
      if (isTerminalTaskState(task.state)) this.completeTask(task);
    }
    if (this.masterUuids.delete(ack.uuid)) return;
    const agent = this.agents.get(ack.agent_id.value);
    if (agent?.connected) {
      this.sendToAgent(agent, {
        type: "STATUS_UPDATE_ACKNOWLEDGEMENT",
        status_update_acknowledgement: { agent_id: ack.agent_id, framework_id: { value: fw.id }, task_id: ack.task_id, uuid: ack.uuid },
      });
    }
  }

  // ------------------------------------------------------------------ agents

  /**
   * REGISTER: admits a new agent (written to the registry first) and opens its event stream.
   * @throws AgentProtocolError before anything is sent when the agent's resources are invalid.
   */
  async registerAgent(call: Extract<AgentCall, { type: "REGISTER" }>, sink: EventSink<AgentEvent>): Promise<{ agentId: string; streamId: string }> {
    const info = call.register.agent_info;
    const total = this.parseAgentResources(info, "register");
    const other = this.agents.get(this.agentAtAddress.get(`${info.hostname}:${info.port}`) ?? "");
    if (other && other.info.hostname === info.hostname && other.info.port === info.port) {
      this.removeAgent(other, "a new agent registered at the same address", "REASON_AGENT_RESTARTED");
    }
    const id = this.nextAgentId();
    // Object.assign, not a spread: a spread at a megamorphic site gives every copy a hidden class of its own (~240 B).
    const stored = Object.assign({}, info, { id: { value: id } });
    await this.registry.admitAgent(id, stored);
    const agent = this.newAgentRecord(id, stored, total, call.register.version);
    this.allocator.addAgent(id, { hostname: info.hostname, attributes: agent.attributes, total });
    const streamId = this.connectAgent(agent, sink);
    sink.send({ type: "REGISTERED", registered: this.registeredBody(id) });
    this.counters.inc("slave_registrations");
    this.log.info({ agentId: id, hostname: info.hostname, port: info.port, resources: total.toString() }, "agent registered");
    this.hooks.masterLifecycle.agentRegistered.call(this.agentDescriptor(agent), { reregistered: false });
    this.scheduleAllocation();
    return { agentId: id, streamId };
  }

  /** REREGISTER: a known agent reconnects, or one from before a master restart / partition comes back. */
  async reregisterAgent(call: Extract<AgentCall, { type: "REREGISTER" }>, sink: EventSink<AgentEvent>): Promise<{ agentId: string; streamId: string }> {
    const id = call.agent_id.value;
    const body = call.reregister;
    const streamId = randomUUID();
    if (this.goneAgents.has(id)) {
      sink.send({ type: "SHUTDOWN", shutdown: { message: `agent ${id} was marked gone; start it with a fresh work directory` } });
      sink.close();
      return { agentId: id, streamId };
    }
    const total = this.parseAgentResources(body.agent_info, "reregister");
    const reported = body.tasks.map((t, i) => ({ t, resources: this.parseTaskResources(t.resources, `reregister.tasks[${i}].resources`) }));
    const info = Object.assign({}, body.agent_info, { id: { value: id } }); // not a spread: see registerAgent
    const now = this.now();

    const wasUnreachable = this.unreachableAgents.has(id);
    this.removals.cancel(id);
    for (const f of body.frameworks) {
      const fid = f.id?.value;
      if (fid !== undefined && !this.frameworks.has(fid) && !this.isCompletedFramework(fid)) this.recoverFramework(fid, f as m.FrameworkInfo);
    }

    let agent = this.agents.get(id);
    if (agent) {
      if (agent.sink && !agent.sink.closed) agent.sink.close();
      agent.info = info;
      agent.attributes = attributesRecord(info.attributes);
      agent.version = body.version;
      agent.reregisteredAt = now;
      if (!agent.total.equals(total)) {
        agent.total = total;
        this.allocator.updateAgent(id, total);
      }
      this.allocator.activateAgent(id);
    } else {
      if (this.unreachableAgents.has(id)) await this.registry.markReachable(id, info);
      else if (!this.recoveredAgents.has(id)) await this.registry.admitAgent(id, info);
      this.unreachableAgents.delete(id);
      this.recoveredAgents.delete(id);
      agent = this.newAgentRecord(id, info, total, body.version);
      agent.reregisteredAt = now;
      const allocated = new Map<string, Resources>();
      for (const { t, resources } of reported) {
        if (!this.keepsResources(id, t)) continue;
        allocated.set(t.framework_id.value, (allocated.get(t.framework_id.value) ?? Resources.empty()).plus(resources));
      }
      this.allocator.addAgent(id, { hostname: info.hostname, attributes: agent.attributes, total, allocated });
    }
    const afterReregistered: AgentEvent[] = [];
    this.reconcileAgentTasks(agent, reported, afterReregistered);
    if (this.awaitingReconcile.delete(id) && this.awaitingReconcile.size === 0) this.guard("reconciling resource providers", () => this.reconcileProviders());
    else if (wasUnreachable && this.awaitingReconcile.size === 0) this.guard("reconciling resource providers", () => this.reconcileProviders());
    for (const e of body.executor_infos) {
      if (e.framework_id) agent.executors.set(`${e.framework_id.value}/${e.executor_id.value}`, e as m.ExecutorInfo);
    }
    const connectedStream = this.connectAgent(agent, sink, streamId);
    sink.send({ type: "REREGISTERED", reregistered: this.registeredBody(id) });
    for (const e of afterReregistered) this.sendToAgent(agent, e);
    for (const task of this.pendingKills.get(id) ?? []) {
      this.sendToAgent(agent, { type: "KILL_TASK", kill_task: { framework_id: { value: task.frameworkId }, task_id: { value: task.id } } });
    }
    this.pendingKills.delete(id);
    this.counters.inc("slave_reregistrations");
    this.log.info({ agentId: id, hostname: info.hostname, tasks: reported.length }, "agent re-registered");
    this.hooks.masterLifecycle.agentRegistered.call(this.agentDescriptor(agent), { reregistered: true });
    this.scheduleAllocation();
    return { agentId: id, streamId: connectedStream };
  }

  /** The agent's tasks as it reports them, against what the master believes; events for the agent go to `after` (sent after REREGISTERED). */
  private reconcileAgentTasks(agent: AgentRecord, reported: Array<{ t: ReregisterTask; resources: Resources }>, after: AgentEvent[]): void {
    const seen = new Set<string>();
    for (const { t, resources } of reported) {
      const fid = t.framework_id.value;
      seen.add(`${fid}/${t.task_id.value}`);
      if (this.isCompletedFramework(fid)) {
        after.push({ type: "SHUTDOWN_FRAMEWORK", shutdown_framework: { framework_id: { value: fid } } });
        continue;
      }
      const fw = this.frameworks.get(fid);
      if (!fw) continue;
      const known = fw.tasks.get(t.task_id.value);
      if (known && known.agentId === agent.id) {
        if (isTerminalTaskState(known.state)) {
          // Reported lost while the agent was away (not partition aware): it must not run on unseen.
          if (!isTerminalTaskState(t.state)) after.push({ type: "KILL_TASK", kill_task: { framework_id: { value: fid }, task_id: t.task_id } });
        } else if (known.state !== t.state && !isTerminalTaskState(t.state)) {
          // Back from TASK_UNREACHABLE (partition aware): it runs again. A terminal state arrives as the agent's own update.
          known.state = t.state;
          this.liveTasksOf(agent.id).add(known);
        }
        continue;
      }
      if (!known && fw.completedTasks.some((c) => c.id === t.task_id.value && c.agentId === agent.id)) {
        // The master already reported this task lost (e.g. the agent was unreachable): kill it.
        after.push({ type: "KILL_TASK", kill_task: { framework_id: { value: fid }, task_id: t.task_id } });
        continue;
      }
      if (known) continue;
      const record: TaskRecord = {
        id: t.task_id.value,
        name: t.name,
        frameworkId: fid,
        agentId: agent.id,
        ...(t.executor_id && { executorId: t.executor_id.value }),
        role: resources.entries()[0]?.allocationRole ?? fw.roles[0] ?? "*",
        info: { name: t.name, task_id: t.task_id, agent_id: agent.info.id ?? { value: agent.id }, resources: t.resources as m.Resource[] },
        resources: this.taskResources.intern(resources),
        state: t.state,
        statuses: t.statuses as m.TaskStatus[],
        ...(t.status_update_state && { statusUpdateState: t.status_update_state }),
        ...(t.status_update_uuid && { statusUpdateUuid: t.status_update_uuid }),
      };
      fw.tasks.set(record.id, record);
      if (!isTerminalTaskState(record.state)) this.liveTasksOf(agent.id).add(record);
    }
    for (const task of [...(this.agentTasks.get(agent.id) ?? [])]) {
      if (seen.has(`${task.frameworkId}/${task.id}`)) continue;
      const fw = this.frameworks.get(task.frameworkId);
      if (!fw) continue;
      const state: m.TaskState = fw.partitionAware ? (task.state === "TASK_STAGING" ? "TASK_DROPPED" : "TASK_GONE") : "TASK_LOST";
      const status = this.sendMasterUpdate(fw, { taskId: task.id, state, agentId: agent.id, reason: "REASON_TASK_UNKNOWN", message: "Task is unknown to the agent" });
      this.setTaskState(task, status, { recover: true });
    }
  }

  /** Whether a task an agent reports on re-registering still holds its resources in the master's eyes. */
  private keepsResources(agentId: string, t: ReregisterTask): boolean {
    const fw = this.frameworks.get(t.framework_id.value);
    if (!fw) return false;
    const known = fw.tasks.get(t.task_id.value);
    if (known && known.agentId === agentId) return !isTerminalTaskState(known.state);
    if (!known && fw.completedTasks.some((c) => c.id === t.task_id.value && c.agentId === agentId)) return false;
    return !isTerminalTaskState(t.state);
  }

  /** The agent's stream closed: it is disconnected (not removed) until it re-registers or its pings time out. */
  agentDisconnected(agentId: string, streamId: string): void {
    const agent = this.agents.get(agentId);
    if (!agent || agent.streamId !== streamId || this.stopped) return;
    agent.connected = false;
    agent.sink = undefined;
    this.allocator.deactivateAgent(agentId);
    this.rescindAgentOffers(agentId, true);
    this.log.warn({ agentId }, "agent disconnected");
  }

  /** Calls on `POST /internal/agent` other than REGISTER / REREGISTER. */
  async agentCall(call: Exclude<AgentCall, { type: "REGISTER" | "REREGISTER" }>): Promise<void> {
    const agent = this.agents.get(call.agent_id.value);
    if (!agent) {
      throw new AgentProtocolError(`agent_id: agent ${JSON.stringify(call.agent_id.value)} is not registered; re-register`, 403);
    }
    switch (call.type) {
      case "PONG":
        agent.lastPongAt = this.now();
        if (this.removals.cancel(agent.id)) {
          this.counters.inc("slave_unreachable_canceled");
          this.log.info({ agentId: agent.id }, "agent answered again before its removal permit; not marked unreachable");
        }
        return;
      case "STATUS_UPDATE":
        this.statusUpdate(agent, call.status_update.framework_id.value, call.status_update.status);
        return;
      case "STATUS_UPDATES":
        for (const u of call.status_updates.updates) this.statusUpdate(agent, u.framework_id.value, u.status);
        return;
      case "FRAMEWORK_MESSAGE": {
        const fw = this.frameworks.get(call.framework_message.framework_id.value);
        if (!fw?.connected) {
          this.counters.inc("invalid_executor_to_framework_messages");
          return;
        }
        this.sendToFramework(fw, messageEvent({ value: agent.id }, call.framework_message.executor_id, { base64: call.framework_message.data }));
        this.counters.inc("valid_executor_to_framework_messages");
        return;
      }
      case "EXECUTOR_EXITED": {
        const { framework_id, executor_id, status } = call.executor_exited;
        agent.executors.delete(`${framework_id.value}/${executor_id.value}`);
        const fw = this.frameworks.get(framework_id.value);
        if (fw) this.sendToFramework(fw, failureEvent({ agent_id: { value: agent.id }, executor_id, ...(status !== undefined && { status }) }));
        return;
      }
      case "UNREGISTER":
        this.removeAgent(agent, "the agent unregistered", "REASON_AGENT_REMOVED");
        return;
    }
  }

  private statusUpdate(agent: AgentRecord, frameworkId: string, raw: TaskStatusJson): void {
    const fw = this.frameworks.get(frameworkId);
    const task = fw?.tasks.get(raw.task_id.value);
    // The status shares the task's id objects: one copy per task, not one per status.
    const agentId = raw.agent_id ?? { value: agent.id };
    const status = receivedStatus(raw, task?.info.task_id ?? raw.task_id, task?.info.agent_id.value === agentId.value ? task.info.agent_id : agentId);
    if (this.hooks.masterLifecycle.taskStatus.isUsed()) this.hooks.masterLifecycle.taskStatus.call(status, { frameworkId, agentId: agent.id });
    if (!fw) {
      if (this.isCompletedFramework(frameworkId)) {
        // Nobody will acknowledge it: tell the agent to stop the framework and stop re-sending.
        this.sendToAgent(agent, { type: "SHUTDOWN_FRAMEWORK", shutdown_framework: { framework_id: { value: frameworkId } } });
        if (status.uuid) {
          this.sendToAgent(agent, {
            type: "STATUS_UPDATE_ACKNOWLEDGEMENT",
            status_update_acknowledgement: { agent_id: { value: agent.id }, framework_id: { value: frameworkId }, task_id: status.task_id, uuid: status.uuid },
          });
        }
      }
      this.counters.inc("invalid_status_updates");
      this.log.warn({ frameworkId, taskId: status.task_id.value, state: status.state }, "status update for an unknown framework");
      return;
    }
    this.counters.inc("valid_status_updates");
    if (task) this.setTaskState(task, status, { recover: true });
    // Per update: skip building the log record when info is off (the bench and busy clusters run at warn).
    if (this.log.isLevelEnabled("info")) this.log.info({ frameworkId, taskId: status.task_id.value, state: status.state, agentId: agent.id }, "task status update");
    this.forwarder.forward(frameworkId, status as TaskStatusJson);
  }

  /**
   * Sends PINGs; an agent silent for longer than the ping timeout becomes unreachable once the
   * removal rate limit allows (unless it answers meanwhile). Unreachable agents past their age
   * limit are marked gone.
   */
  pingAgents(): void {
    const now = this.now();
    for (const agent of [...this.agents.values()]) {
      if (now - agent.lastPongAt > this.config.agentPingTimeoutMs && !this.removals.has(agent.id)) {
        this.removals.acquire(agent.id, () =>
          this.guard("marking an agent unreachable", () => (this.isSilent(agent) ? this.markUnreachable(agent) : undefined)),
        );
      }
      if (agent.connected) this.sendToAgent(agent, { type: "PING", ping: { connected: true } });
    }
    for (const [id, { since }] of [...this.unreachableAgents]) {
      if (now - since > this.config.agentUnreachableGcMs) this.guard("marking an unreachable agent gone", () => this.markGoneAfterUnreachable(id));
    }
  }

  private isSilent(agent: AgentRecord): boolean {
    return this.agents.get(agent.id) === agent && this.now() - agent.lastPongAt > this.config.agentPingTimeoutMs;
  }

  /** Unreachable for too long: its tasks are gone for good and it may not come back under this id. */
  private async markGoneAfterUnreachable(agentId: string): Promise<void> {
    if (!this.unreachableAgents.delete(agentId)) return;
    this.goneAgents.add(agentId);
    for (const task of [...(this.agentTasks.get(agentId) ?? [])]) {
      const fw = this.frameworks.get(task.frameworkId);
      if (!fw) continue;
      const status = this.sendMasterUpdate(fw, {
        taskId: task.id,
        state: fw.partitionAware ? "TASK_GONE" : "TASK_LOST",
        agentId,
        reason: "REASON_AGENT_REMOVED",
        message: `agent ${agentId} was unreachable for longer than ${this.config.agentUnreachableGcMs / 1000} s`,
      });
      this.setTaskState(task, status, { recover: false });
    }
    this.agentTasks.delete(agentId);
    this.pendingKills.delete(agentId);
    this.counters.inc("slave_unreachable_gc");
    this.log.warn({ agentId }, "unreachable agent aged out; marked gone");
    await this.registry.markGone(agentId).catch((e) => this.log.error({ agentId, err: errorMessage(e) }, "registry: marking agent gone failed"));
  }

  /** Health check failed: tasks become TASK_UNREACHABLE (TASK_LOST for frameworks that are not partition aware). */
  async markUnreachable(agent: AgentRecord): Promise<void> {
    if (this.agents.get(agent.id) !== agent) return;
    const now = this.now();
    this.agents.delete(agent.id);
    if (agent.sink && !agent.sink.closed) agent.sink.close();
    this.rescindAgentOffers(agent.id, true);
    for (const task of [...(this.agentTasks.get(agent.id) ?? [])]) {
      const fw = this.frameworks.get(task.frameworkId);
      if (!fw || task.state === "TASK_UNREACHABLE") continue;
      const state = fw.partitionAware ? "TASK_UNREACHABLE" : "TASK_LOST";
      const status = this.sendMasterUpdate(fw, { taskId: task.id, state, agentId: agent.id, reason: "REASON_AGENT_REMOVED", message: `agent ${agent.id} is unreachable` });
      this.setTaskState(task, status, { recover: false });
    }
    this.allocator.removeAgent(agent.id);
    this.unreachableAgents.set(agent.id, { info: agent.info, since: now });
    for (const fw of this.frameworks.values()) this.sendToFramework(fw, failureEvent({ agent_id: { value: agent.id } }));
    this.counters.inc("slave_unreachable_completed");
    this.log.warn({ agentId: agent.id, hostname: agent.info.hostname }, "agent unreachable");
    this.hooks.masterLifecycle.agentUnreachable.call(this.agentDescriptor(agent));
    await this.registry.markUnreachable(agent.id, now).catch((e) => this.log.error({ agentId: agent.id, err: errorMessage(e) }, "registry: marking agent unreachable failed"));
  }

  /** The agent left: its tasks are gone (TASK_LOST for frameworks that are not partition aware). */
  removeAgent(agent: AgentRecord, reason: string, code: m.TaskStatusReason): void {
    if (this.agents.get(agent.id) !== agent) return;
    this.agents.delete(agent.id);
    this.rescindAgentOffers(agent.id, true);
    for (const task of [...(this.agentTasks.get(agent.id) ?? [])]) {
      const fw = this.frameworks.get(task.frameworkId);
      if (!fw) continue;
      const status = this.sendMasterUpdate(fw, { taskId: task.id, state: fw.partitionAware ? "TASK_GONE" : "TASK_LOST", agentId: agent.id, reason: code, message: `agent removed: ${reason}` });
      this.setTaskState(task, status, { recover: false });
    }
    this.agentTasks.delete(agent.id);
    this.pendingKills.delete(agent.id);
    this.allocator.removeAgent(agent.id);
    if (agent.sink && !agent.sink.closed) {
      agent.sink.send({ type: "SHUTDOWN", shutdown: { message: reason } });
      agent.sink.close();
    }
    for (const fw of this.frameworks.values()) this.sendToFramework(fw, failureEvent({ agent_id: { value: agent.id } }));
    this.registry.removeAgent(agent.id).catch((e) => this.log.error({ agentId: agent.id, err: errorMessage(e) }, "registry: removing agent failed"));
    this.counters.inc("slave_removals");
    this.log.info({ agentId: agent.id, reason }, "agent removed");
    this.hooks.masterLifecycle.agentRemoved.call(this.agentDescriptor(agent), { reason });
  }

  private async expireRecoveredAgents(): Promise<void> {
    for (const [id, info] of [...this.recoveredAgents]) {
      this.removals.acquire(id, () =>
        this.guard("marking a recovered agent unreachable", async () => {
          if (!this.recoveredAgents.delete(id)) return;
          this.unreachableAgents.set(id, { info, since: this.now() });
          this.log.warn({ agentId: id }, "agent did not re-register after master failover; marked unreachable");
          await this.registry.markUnreachable(id, this.now()).catch((e) => this.log.error({ agentId: id, err: errorMessage(e) }, "registry write failed"));
        }),
      );
    }
    if (this.awaitingReconcile.size > 0) {
      this.awaitingReconcile.clear();
      await this.reconcileProviders();
    }
  }

  // ------------------------------------------------------------------ helpers

  /** What the master knows of an agent id (for reconciliation). */
  standing(agentId: string): AgentStanding {
    if (this.agents.has(agentId)) return "registered";
    if (this.recoveredAgents.has(agentId)) return "recovered";
    if (this.unreachableAgents.has(agentId)) return "unreachable";
    if (this.goneAgents.has(agentId)) return "gone";
    return "unknown";
  }

  masterInfo(): m.MasterInfo {
    return {
      id: this.id,
      ip: 0,
      port: this.config.port,
      hostname: this.config.hostname,
      version: this.config.version,
      pid: `master@${this.config.hostname}:${this.config.port}`,
      address: { hostname: this.config.hostname, port: this.config.port },
      capabilities: [],
    };
  }

  /** Live tasks of an agent (non-terminal, including unreachable). */
  tasksOnAgent(agentId: string): TaskRecord[] {
    return [...(this.agentTasks.get(agentId) ?? [])];
  }

  /** Outstanding (unacknowledged) status updates of a framework. */
  pendingUpdates(frameworkId: string): TaskStatusJson[] {
    return this.forwarder.pending(frameworkId);
  }

  private isCompletedFramework(id: string): boolean {
    return this.completedFrameworks.some((c) => c.record.id === id);
  }

  private recoverFramework(id: string, info: m.FrameworkInfo): void {
    const fw = this.newFrameworkRecord(id, { ...info, id: { value: id } }, this.now());
    this.frameworks.set(id, fw);
    this.allocator.addFramework(id, { roles: fw.roles, capabilities: capabilitiesOf(info), active: false });
    this.armFailover(fw, Math.max(0, (info.failover_timeout ?? 0) * 1000));
    this.log.info({ frameworkId: id }, "framework recovered; waiting for it to re-subscribe");
  }

  private armFailover(fw: FrameworkRecord, timeoutMs: number): void {
    clearTimeout(fw.failoverTimer);
    fw.failoverTimer = setTimeout(
      () => this.guard("failover timeout", () => this.frameworks.get(fw.id) === fw && !fw.connected && this.removeFramework(fw, "failover timeout expired")),
      timeoutMs,
    );
    fw.failoverTimer.unref();
  }

  private newFrameworkRecord(id: string, info: m.FrameworkInfo, now: number): FrameworkRecord {
    return {
      id,
      info,
      roles: m.frameworkRoles(info),
      partitionAware: m.hasCapability(info, "PARTITION_AWARE"),
      connected: false,
      active: false,
      registeredAt: now,
      suppressedRoles: new Set(),
      tasks: new Map(),
      completedTasks: [],
      offers: new Set(),
    };
  }

  private newAgentRecord(id: string, info: AgentInfo, total: Resources, version: string): AgentRecord {
    const agent: AgentRecord = {
      id,
      info,
      total,
      attributes: attributesRecord(info.attributes),
      version,
      registeredAt: this.now(),
      connected: false,
      lastPongAt: this.now(),
      executors: new Map(),
    };
    this.agents.set(id, agent);
    this.agentAtAddress.set(`${info.hostname}:${info.port}`, id);
    return agent;
  }

  private connectAgent(agent: AgentRecord, sink: EventSink<AgentEvent>, streamId = randomUUID()): string {
    agent.sink = sink;
    agent.streamId = streamId;
    agent.connected = true;
    agent.lastPongAt = this.now();
    return streamId;
  }

  private registeredBody(agentId: string) {
    return {
      agent_id: { value: agentId },
      master_id: this.id,
      ping_interval_seconds: this.config.agentPingIntervalMs / 1000,
      ping_timeout_seconds: this.config.agentPingTimeoutMs / 1000,
    };
  }

  private parseAgentResources(info: AgentInfo, field: string): Resources {
    try {
      return Resources.fromJSON(info.resources, `${field}.agent_info.resources`).unallocated();
    } catch (e) {
      if (e instanceof ResourceError) throw new AgentProtocolError(e.message);
      throw e;
    }
  }

  private parseTaskResources(json: unknown, at: string): Resources {
    try {
      return Resources.fromJSON(json, at);
    } catch (e) {
      if (e instanceof ResourceError) throw new AgentProtocolError(e.message);
      throw e;
    }
  }

  private taskJson(t: PlannedTask) {
    return { ...t.info, resources: (t.info.resources ?? []) as Array<m.Resource & { name: string }> };
  }

  private frameworkInfoJson(fw: FrameworkRecord) {
    return { ...fw.info, id: { value: fw.id } };
  }

  private sendToFramework(fw: FrameworkRecord | undefined, event: SchedulerEvent): boolean {
    if (!fw?.connected || !fw.sink) return false;
    return fw.sink.send(event);
  }

  private sendToAgent(agent: AgentRecord, event: AgentEvent): boolean {
    if (!agent.connected || !agent.sink) return false;
    return agent.sink.send(event);
  }

  /** Runs timer work so that a failure is logged, never an uncaught exception that ends the process. */
  private guard(what: string, fn: () => unknown): void {
    try {
      const r = fn();
      if (r instanceof Promise) r.catch((e: unknown) => this.log.error({ err: errorMessage(e) }, `${what} failed`));
    } catch (e) {
      this.log.error({ err: errorMessage(e) }, `${what} failed`);
    }
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    t.unref();
    this.timers.add(t);
  }

  agentDescriptor(agent: AgentRecord): AgentDescriptor {
    return { id: agent.id, hostname: agent.info.hostname, attributes: agent.attributes };
  }

  frameworkDescriptor(fw: FrameworkRecord): FrameworkDescriptor {
    return { id: fw.id, name: fw.info.name, roles: fw.roles };
  }

  private nextFrameworkId(): string {
    return `${this.id}-${String(this.seq.framework++).padStart(4, "0")}`;
  }

  private nextAgentId(): string {
    return `${this.id}-S${this.seq.agent++}`;
  }

  private nextOfferId(): string {
    return `${this.id}-O${this.seq.offer++}`;
  }
}

type ReregisterTask = Extract<AgentCall, { type: "REREGISTER" }>["reregister"]["tasks"][number];
