import { setMaxListeners } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import {
  Resources,
  type CheckpointedContainer,
  type ContainerLaunch,
  type ContainerTermination,
  type Containerizer,
  type RecoveredContainer,
} from "@tessera/core";
import type Docker from "dockerode";
import { buildLaunchSpec } from "./container-spec.js";
import { createDockerClient } from "./docker-client.js";
import { engineReason, isNotFound, isNotModified } from "./engine-errors.js";
import { ensureImage, type PullProgress } from "./image-puller.js";
import { identityOf, LABELS, type ContainerIdentity } from "./labels.js";
import { DockerOptions, type DockerOptionsInput } from "./options.js";
import { limitsFromResources } from "./resource-limits.js";
import { attachOutput, resumeOutput, type OutputPump } from "./sandbox-output.js";
import { terminationOf } from "./termination.js";
import { statisticsOf, type EngineStats } from "./usage.js";

/** The logging this needs; a pino logger (the module's ctx.log) fits. */
export interface ContainerizerLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  child(bindings: Record<string, unknown>): ContainerizerLog;
}

const silent: ContainerizerLog = { info: () => {}, warn: () => {}, child: () => silent };

export interface DockerContainerizerDeps {
  /** An Engine client; by default one is made from the options. */
  docker?: Docker;
  log?: ContainerizerLog;
  /**
   * Pull progress of a launch. The containerizer contract has no way to send a task status
   * before launch returns, so progress goes to the log and to this callback.
   */
  onPullProgress?: (container: { containerId: string; taskId: string }, progress: PullProgress) => void;
}

/** What `launch` returns as `data`; the agent checkpoints it and hands it back to `recover`. */
export interface DockerCheckpoint extends Record<string, unknown> {
  dockerId: string;
  name: string;
  image: string;
  agentId: string;
}

interface Tracked {
  identity: ContainerIdentity;
  sandbox: string;
  dockerId?: string;
  memoryLimitBytes?: number;
  /** The signal the containerizer sent last to stop it. */
  killedWith?: string;
  termination?: Promise<ContainerTermination>;
  ended?: boolean;
  output?: OutputPump;
}

const PULL_LOG_INTERVAL_MS = 2_000;
const OUTPUT_DRAIN_MS = 5_000;

/**
 * Runs tasks whose ContainerInfo is DOCKER as Docker containers, through the Engine API
 * (dockerode; never the docker CLI). A plain class implementing the agent's Containerizer
 * contract; the module wires it to the `selectContainerizer` hook.
 */
export class DockerContainerizer implements Containerizer {
  readonly name = "docker";
  readonly options: DockerOptions;
  readonly docker: Docker;
  private readonly log: ContainerizerLog;
  private readonly containers = new Map<string, Tracked>();
  private readonly closing = new AbortController();

  constructor(options: DockerOptionsInput | DockerOptions = {}, private readonly deps: DockerContainerizerDeps = {}) {
    const parsed = DockerOptions.safeParse(options);
    if (!parsed.success) {
      throw new Error(`docker containerizer options: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`);
    }
    this.options = parsed.data;
    this.docker = deps.docker ?? createDockerClient(this.options);
    this.log = deps.log ?? silent;
    // Every running container's wait listens on this one signal.
    setMaxListeners(0, this.closing.signal);
  }

  /** Container name on the Engine for an agent container id. */
  containerName(containerId: string): string {
    return `${this.options.containerNamePrefix}${containerId}`;
  }

  async launch(l: ContainerLaunch): Promise<{ pid?: number; data?: Record<string, unknown> }> {
    if (this.containers.has(l.containerId)) throw new Error(`container ${l.containerId} was already launched`);
    const spec = buildLaunchSpec(l, this.options, this.name);
    const tracked: Tracked = {
      identity: { agentId: l.agentId, frameworkId: l.frameworkId, taskId: l.taskId, containerId: l.containerId },
      sandbox: l.sandbox,
      ...(spec.limits.Memory ? { memoryLimitBytes: spec.limits.Memory } : {}),
    };
    // Tracked before anything exists on the Engine, so an orphan sweep never takes it.
    this.containers.set(l.containerId, tracked);
    const log = this.log.child({ containerId: l.containerId, taskId: l.taskId });
    let container: Docker.Container | undefined;
    try {
      await this.pull(spec.image, spec.forcePull, l, log);
      const name = this.containerName(l.containerId);
      try {
        container = await this.docker.createContainer({ name, ...spec.create });
      } catch (err) {
        throw new Error(`cannot create container ${name}: ${engineReason(err)}`);
      }
      tracked.dockerId = container.id;
      tracked.output = await attachOutput(this.docker, container, l.sandbox);
      try {
        await container.start();
      } catch (err) {
        throw new Error(`cannot start container ${name}: ${engineReason(err)}`);
      }
      const info = await container.inspect();
      tracked.termination = this.watch(tracked, container);
      log.info({ dockerId: container.id, image: spec.image, network: spec.network, ports: spec.ports }, "docker container started");
      const data: DockerCheckpoint = { dockerId: container.id, name, image: spec.image, agentId: l.agentId };
      return { ...(info.State.Pid ? { pid: info.State.Pid } : {}), data };
    } catch (err) {
      this.containers.delete(l.containerId);
      tracked.output?.stop();
      if (container) await container.remove({ force: true }).catch(() => undefined);
      throw err;
    }
  }

  wait(containerId: string): Promise<ContainerTermination> {
    const t = this.containers.get(containerId)?.termination;
    if (!t) return Promise.reject(new Error(`docker containerizer: unknown container ${containerId}`));
    // Forgotten once the agent has been told (an ended container stays until then).
    return t.finally(() => this.containers.delete(containerId));
  }

  /** docker stop semantics at millisecond precision: the stop signal, then SIGKILL once the grace period is over. */
  async destroy(containerId: string, gracePeriodMs: number): Promise<void> {
    const tracked = this.containers.get(containerId);
    if (!tracked?.dockerId || !tracked.termination) {
      // Not (or no longer) ours in memory: make sure nothing of it is left on the Engine.
      await this.removeByContainerId(containerId);
      return;
    }
    if (tracked.ended) return;
    const container = this.docker.getContainer(tracked.dockerId);
    if (gracePeriodMs > 0) {
      const info = await container.inspect().catch(() => undefined);
      const signal = (info?.Config as { StopSignal?: string } | undefined)?.StopSignal || "SIGTERM";
      tracked.killedWith = signal;
      await this.signal(container, signal);
      const ended = await Promise.race([tracked.termination.then(() => true), sleep(gracePeriodMs, false)]);
      if (ended) return;
    }
    tracked.killedWith = "SIGKILL";
    await this.signal(container, "SIGKILL");
    // After close() nothing watches it any more: its end is the next agent's to report.
    if (!this.closing.signal.aborted) await tracked.termination;
  }

  async usage(containerId: string): Promise<Record<string, number>> {
    const tracked = this.containers.get(containerId);
    if (!tracked?.dockerId) throw new Error(`docker containerizer: unknown container ${containerId}`);
    // one-shot: a single sample now instead of the Engine waiting a second for a second one.
    const stats = (await this.docker.getContainer(tracked.dockerId).stats({ stream: false, "one-shot": true } as { stream: false })) as EngineStats;
    return statisticsOf(stats);
  }

  async update(containerId: string, resources: unknown): Promise<void> {
    const tracked = this.containers.get(containerId);
    if (!tracked?.dockerId) throw new Error(`docker containerizer: unknown container ${containerId}`);
    const res = resources instanceof Resources ? resources : Resources.fromJSON(resources, "resources");
    const limits = limitsFromResources(res, this.options.cpuCfsQuota);
    try {
      await this.docker.getContainer(tracked.dockerId).update(limits);
    } catch (err) {
      throw new Error(`cannot update container ${this.containerName(containerId)}: ${engineReason(err)}`);
    }
    if (limits.Memory) tracked.memoryLimitBytes = limits.Memory;
  }

  /**
   * After an agent restart: re-attach to the checkpointed containers that still run (output and
   * wait), report how the others ended, and remove containers of the same agent it does not know.
   */
  async recover(known: CheckpointedContainer[]): Promise<RecoveredContainer[]> {
    const ours = await this.listOurs();
    const byId = new Map(ours.map((c) => [c.identity.containerId, c]));
    const out: RecoveredContainer[] = [];
    for (const k of known) {
      const found = byId.get(k.containerId);
      if (!found) {
        out.push({
          containerId: k.containerId,
          running: false,
          termination: {
            exitCode: null,
            signal: null,
            state: "TASK_FAILED",
            reason: "REASON_EXECUTOR_TERMINATED",
            message: `Container ${this.containerName(k.containerId)} is gone: it was removed while the agent was down`,
          },
        });
        continue;
      }
      out.push(await this.reattach(found.info, found.identity, k.sandbox));
    }
    const agents = new Set([
      ...known.map((k) => (k.data as Partial<DockerCheckpoint> | undefined)?.agentId),
      ...known.map((k) => byId.get(k.containerId)?.identity.agentId),
    ].filter((a): a is string => typeof a === "string"));
    for (const agentId of agents) await this.removeOrphans(agentId, ours);
    return out;
  }

  /**
   * Removes this agent's containers that it does not track: running ones are stopped (after
   * stopTimeoutSeconds) and removed; exited ones are removed when removeContainersOnExit.
   * Returns the names removed. Containers of other agents on the same Engine are left alone.
   */
  async removeOrphans(agentId: string, listed?: Array<{ info: Docker.ContainerInfo; identity: ContainerIdentity }>): Promise<string[]> {
    const removed: string[] = [];
    for (const c of listed ?? (await this.listOurs())) {
      if (c.identity.agentId !== agentId || this.containers.has(c.identity.containerId)) continue;
      const running = c.info.State !== "exited" && c.info.State !== "dead";
      if (!running && !this.options.removeContainersOnExit) continue;
      const name = c.info.Names[0]?.replace(/^\//, "") ?? c.info.Id;
      this.log.warn({ container: name, taskId: c.identity.taskId, state: c.info.State }, "removing orphan docker container");
      const container = this.docker.getContainer(c.info.Id);
      try {
        if (running) await container.stop({ t: Math.ceil(this.options.stopTimeoutSeconds) });
      } catch (err) {
        if (!isNotModified(err) && !isNotFound(err)) this.log.warn({ container: name, err: engineReason(err) }, "stopping orphan failed");
      }
      try {
        await container.remove({ force: true });
        removed.push(name);
      } catch (err) {
        if (!isNotFound(err)) this.log.warn({ container: name, err: engineReason(err) }, "removing orphan failed");
      }
    }
    return removed;
  }

  /** Stops following output and waiting (agent shutdown); containers keep running for the next agent to recover. */
  close(): void {
    this.closing.abort();
    for (const t of this.containers.values()) t.output?.stop();
  }

  private async pull(image: string, force: boolean, l: ContainerLaunch, log: ContainerizerLog): Promise<void> {
    let lastLog = 0;
    const { pulled } = await ensureImage(this.docker, image, {
      force,
      timeoutMs: this.options.pullTimeoutSeconds * 1000,
      onProgress: (p) => {
        this.deps.onPullProgress?.({ containerId: l.containerId, taskId: l.taskId }, p);
        const now = Date.now();
        if (now - lastLog >= PULL_LOG_INTERVAL_MS) {
          lastLog = now;
          log.info(p, `pulling image ${image}: ${p.status} (${p.layersDone}/${p.layers} layers)`);
        }
      },
    });
    if (pulled) log.info({ image }, `pulled image ${image}`);
  }

  private async reattach(info: Docker.ContainerInfo, identity: ContainerIdentity, sandbox: string): Promise<RecoveredContainer> {
    const container = this.docker.getContainer(info.Id);
    const inspect = await container.inspect();
    const tracked: Tracked = {
      identity,
      sandbox,
      dockerId: info.Id,
      ...(inspect.HostConfig.Memory ? { memoryLimitBytes: inspect.HostConfig.Memory } : {}),
    };
    const running = inspect.State.Running || inspect.State.Paused || inspect.State.Restarting;
    if (running) {
      tracked.output = await resumeOutput(this.docker, container, sandbox, true);
      this.containers.set(identity.containerId, tracked);
      tracked.termination = this.watch(tracked, container);
      this.log.info({ containerId: identity.containerId, dockerId: info.Id }, "re-attached to docker container");
      return { containerId: identity.containerId, running: true };
    }
    // Ended while the agent was down: save its last output, report how it ended.
    const output = await resumeOutput(this.docker, container, sandbox, false);
    await Promise.race([output.done, sleep(OUTPUT_DRAIN_MS)]);
    const termination = terminationOf(inspect.State, tracked.memoryLimitBytes ? { memoryLimitBytes: tracked.memoryLimitBytes } : {});
    if (this.options.removeContainersOnExit) await container.remove({ force: true }).catch(() => undefined);
    return { containerId: identity.containerId, running: false, termination };
  }

  /** Resolves once with how the container ended; never rejects. */
  private async watch(tracked: Tracked, container: Docker.Container): Promise<ContainerTermination> {
    const signal = this.closing.signal;
    for (;;) {
      try {
        await container.wait({ abortSignal: signal });
        break;
      } catch (err) {
        if (signal.aborted) return new Promise<never>(() => {}); // agent shutdown: the next agent recovers it
        if (isNotFound(err)) break;
        this.log.warn({ containerId: tracked.identity.containerId, err: engineReason(err) }, "waiting for docker container failed; retrying");
        await sleep(1_000);
      }
    }
    let termination: ContainerTermination;
    try {
      const info = await container.inspect();
      await Promise.race([tracked.output?.done, sleep(OUTPUT_DRAIN_MS)]);
      termination = terminationOf(info.State, {
        ...(tracked.killedWith ? { killedWith: tracked.killedWith } : {}),
        ...(tracked.memoryLimitBytes ? { memoryLimitBytes: tracked.memoryLimitBytes } : {}),
      });
      if (this.options.removeContainersOnExit) await container.remove({ force: true }).catch(() => undefined);
    } catch (err) {
      termination = {
        exitCode: null,
        signal: null,
        state: "TASK_FAILED",
        reason: "REASON_EXECUTOR_TERMINATED",
        message: `Container ${this.containerName(tracked.identity.containerId)} disappeared: ${engineReason(err)}`,
      };
    }
    tracked.ended = true;
    return termination;
  }

  private async signal(container: Docker.Container, signal: string): Promise<void> {
    try {
      await container.kill({ signal });
    } catch (err) {
      // 409: not running any more, 404: gone; both mean the wait is about to resolve.
      if (!isNotFound(err) && (err as { statusCode?: number }).statusCode !== 409) throw new Error(`cannot signal container: ${engineReason(err)}`);
    }
  }

  private async listOurs(): Promise<Array<{ info: Docker.ContainerInfo; identity: ContainerIdentity }>> {
    const list = await this.docker.listContainers({ all: true, filters: { label: [`${LABELS.containerizer}=${this.name}`] } });
    return list.flatMap((info) => {
      const identity = identityOf(this.name, info.Labels);
      return identity ? [{ info, identity }] : [];
    });
  }

  private async removeByContainerId(containerId: string): Promise<void> {
    const list = await this.docker.listContainers({ all: true, filters: { label: [`${LABELS.containerId}=${containerId}`] } });
    for (const info of list) {
      if (!identityOf(this.name, info.Labels)) continue;
      await this.docker.getContainer(info.Id).remove({ force: true }).catch((err: unknown) => {
        if (!isNotFound(err)) throw new Error(`cannot remove container ${containerId}: ${engineReason(err)}`);
      });
    }
  }
}
