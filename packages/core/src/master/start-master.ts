import "reflect-metadata"; // tsyringe refuses to load without it; harmless if the entry point loaded it already
import { randomUUID } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { hostname as osHostname } from "node:os";
import { join, resolve } from "node:path";
import { pino, type Logger } from "pino";
import { container as rootContainer, type DependencyContainer } from "tsyringe";
import { HierarchicalAllocator, type QuantitiesLike } from "../allocator/index.js";
import { prepareSchedulerCallParser } from "../api/scheduler/parse-call.js";
import { createMasterHooks, type MasterHooks } from "../hooks/node-hooks.js";
import { ModuleLoader, readModulesConfig, type LoadResult, type ModulesConfig } from "../modules/index.js";
import { MemoryStorage, Registry, SqliteStorage } from "../registry/index.js";
import { createMasterHandler } from "./http-server.js";
import { AlwaysLeader, type LeaderElection } from "./leader.js";
import { DEFAULT_MASTER_CONFIG, Master, type MasterConfig } from "./master.js";
import { masterPromRegistry, metricsSnapshot } from "./metrics.js";
import { parseRemovalRate } from "./removal-rate-limit.js";
import { providerPoolsJson } from "./state-view.js";
import type { MasterRegistry } from "./registry-port.js";
import { TOKENS } from "./tokens.js";

export const TESSERA_VERSION = "0.1.0";

export interface StartMasterOptions {
  /** Port to listen on; 0 picks a free one (default 5050). */
  port?: number;
  /** Address to bind (default 127.0.0.1). */
  host?: string;
  /** Host name in URLs the master gives out (default: `host`, or the machine's name when binding 0.0.0.0). */
  advertiseHost?: string;
  /** Where the registry lives (default ./.tessera/master). */
  workDir?: string;
  /** "sqlite" (default, `<workDir>/registry.sqlite`), "memory", or any MasterRegistry (e.g. etcd). */
  registry?: "sqlite" | "memory" | MasterRegistry;
  /** Modules to load: a YAML/JSON file path, or the parsed `modules` config (paths resolve from `configBaseDir`). */
  config?: string | ModulesConfig;
  configBaseDir?: string;
  masterId?: string;
  allocationIntervalMs?: number;
  offerTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  agentPingIntervalMs?: number;
  agentPingTimeoutMs?: number;
  /** Mesos --max_agent_ping_timeouts: without agentPingTimeoutMs, the timeout is this many ping intervals. */
  maxAgentPingTimeouts?: number;
  agentReregisterTimeoutMs?: number;
  /** Mesos --agent_removal_rate_limit, e.g. "1/10secs"; unset means no limit. */
  agentRemovalRateLimit?: string;
  /** Mesos --registry_max_agent_age: an agent unreachable this long is marked gone (default 2 weeks). */
  agentUnreachableGcMs?: number;
  statusUpdateRetryMinMs?: number;
  statusUpdateRetryMaxMs?: number;
  /** Allocator minimum offer size (default Mesos "cpus:0.01|mem:32"). */
  minAllocatableResources?: readonly QuantitiesLike[];
  leader?: LeaderElection;
  /** A pino logger, or a level for the default one (default "info"). */
  logger?: Logger;
  logLevel?: string;
}

export interface RunningMaster {
  /** e.g. `http://127.0.0.1:5050`. */
  url: string;
  port: number;
  master: Master;
  hooks: MasterHooks;
  container: DependencyContainer;
  server: Server;
  /** Closes streams, the HTTP server, modules and the registry. Idempotent. */
  stop(): Promise<void>;
}

const errorMessage = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * Composition root: loads modules, opens the registry, wires the master with tsyringe and
 * serves its HTTP API. Any failure before it serves undoes what it started and rejects with a
 * message naming the problem (never a half-started master).
 */
export async function startMaster(options: StartMasterOptions = {}): Promise<RunningMaster> {
  const log = options.logger ?? pino({ name: "tessera-master", level: options.logLevel ?? "info" });
  const host = options.host ?? "127.0.0.1";
  const workDir = resolve(options.workDir ?? join(".tessera", "master"));
  const hooks = createMasterHooks();
  const container = rootContainer.createChildContainer();
  const cleanups: Array<() => Promise<void> | void> = [];
  const undo = async () => {
    for (const c of cleanups.splice(0).reverse()) {
      try {
        await c();
      } catch (e) {
        log.error({ err: errorMessage(e) }, "cleanup failed");
      }
    }
  };

  try {
    // Modules first: a bad module refuses the start before anything listens.
    const loader = new ModuleLoader({ log });
    let loaded: LoadResult | undefined;
    if (options.config !== undefined) {
      const { config, baseDir } =
        typeof options.config === "string"
          ? await readModulesConfig(options.config)
          : { config: options.config, baseDir: resolve(options.configBaseDir ?? ".") };
      loaded = await loader.load(config, { role: "master", hooks, container, resolveFrom: baseDir });
      cleanups.push(() => loaded!.unload());
      for (const w of loaded.warnings) log.warn(w);
    }

    let registry: MasterRegistry;
    if (options.registry === "memory") registry = new Registry(new MemoryStorage());
    else if (options.registry === undefined || options.registry === "sqlite") {
      await mkdir(workDir, { recursive: true });
      registry = new Registry(new SqliteStorage(join(workDir, "registry.sqlite")));
    } else registry = options.registry;
    cleanups.push(() => registry.close?.());

    prepareSchedulerCallParser(); // ~0.5 s of zod codegen: before listening, not on the first call
    let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
      res.writeHead(503, { "Content-Type": "text/plain" }).end("master is starting");
    };
    const server = createServer((req, res) => handle(req, res));
    await new Promise<void>((ok, fail) => {
      server.once("error", fail);
      server.listen(options.port ?? 5050, host, () => {
        server.off("error", fail);
        ok();
      });
    });
    cleanups.push(
      () =>
        new Promise<void>((ok) => {
          server.close(() => ok());
          server.closeAllConnections();
        }),
    );
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : (options.port ?? 5050);
    const advertise = options.advertiseHost ?? (host === "0.0.0.0" || host === "::" ? osHostname() : host);
    const url = `http://${advertise.includes(":") ? `[${advertise}]` : advertise}:${port}`;
    const leader = options.leader ?? new AlwaysLeader(() => url);

    const config: MasterConfig = {
      ...DEFAULT_MASTER_CONFIG,
      masterId: options.masterId ?? randomUUID(),
      hostname: advertise,
      port,
      version: TESSERA_VERSION,
      ...(options.allocationIntervalMs !== undefined && { allocationIntervalMs: options.allocationIntervalMs }),
      ...(options.offerTimeoutMs !== undefined && { offerTimeoutMs: options.offerTimeoutMs }),
      ...(options.heartbeatIntervalMs !== undefined && { heartbeatIntervalMs: options.heartbeatIntervalMs }),
      ...(options.agentPingIntervalMs !== undefined && { agentPingIntervalMs: options.agentPingIntervalMs }),
      ...(options.agentPingTimeoutMs !== undefined
        ? { agentPingTimeoutMs: options.agentPingTimeoutMs }
        : options.maxAgentPingTimeouts !== undefined && {
            agentPingTimeoutMs: (options.agentPingIntervalMs ?? DEFAULT_MASTER_CONFIG.agentPingIntervalMs) * options.maxAgentPingTimeouts,
          }),
      ...(options.agentRemovalRateLimit !== undefined && { agentRemovalRate: parseRemovalRate(options.agentRemovalRateLimit) }),
      ...(options.agentUnreachableGcMs !== undefined && { agentUnreachableGcMs: options.agentUnreachableGcMs }),
      ...(options.agentReregisterTimeoutMs !== undefined && { agentReregisterTimeoutMs: options.agentReregisterTimeoutMs }),
      ...(options.statusUpdateRetryMinMs !== undefined && { statusUpdateRetryMinMs: options.statusUpdateRetryMinMs }),
      ...(options.statusUpdateRetryMaxMs !== undefined && { statusUpdateRetryMaxMs: options.statusUpdateRetryMaxMs }),
    };
    const allocator = new HierarchicalAllocator({
      hooks: hooks.allocation,
      ...(options.minAllocatableResources !== undefined && { minAllocatableResources: options.minAllocatableResources }),
    });
    container.register(TOKENS.MasterConfig, { useValue: config });
    container.register(TOKENS.Allocator, { useValue: allocator });
    container.register(TOKENS.MasterRegistry, { useValue: registry });
    container.register(TOKENS.MasterHooks, { useValue: hooks });
    container.register(TOKENS.Logger, { useValue: log });
    container.register(TOKENS.Clock, { useValue: Date.now });
    container.register(TOKENS.LeaderElection, { useValue: leader });
    const master = container.resolve(Master);
    container.register(TOKENS.Master, { useValue: master });
    cleanups.push(() => master.stop());

    await master.start();
    const promRegistry = masterPromRegistry(() => metricsSnapshot(master, leader.isLeader()));
    handle = createMasterHandler({
      master,
      leader,
      log,
      promRegistry,
      modules: () => ({ modules: loader.list(), warnings: loaded?.warnings ?? [], resource_providers: providerPoolsJson(master) }),
      flags: {
        allocation_interval: `${config.allocationIntervalMs / 1000}secs`,
        offer_timeout: config.offerTimeoutMs === undefined ? "" : `${config.offerTimeoutMs / 1000}secs`,
        work_dir: workDir,
        agent_ping_timeout: `${config.agentPingTimeoutMs / 1000}secs`,
        agent_reregister_timeout: `${config.agentReregisterTimeoutMs / 1000}secs`,
        agent_removal_rate_limit: options.agentRemovalRateLimit ?? "",
        registry_max_agent_age: `${config.agentUnreachableGcMs / 1000}secs`,
        registry: typeof options.registry === "object" ? "custom" : (options.registry ?? "sqlite"),
      },
    });
    await hooks.masterLifecycle.started.promise({ masterId: master.id, address: url });
    log.info({ url, masterId: master.id, workDir, modules: loader.list().map((m) => `${m.name}@${m.version}`) }, "master started");

    let stopping: Promise<void> | undefined;
    return {
      url,
      port,
      master,
      hooks,
      container,
      server,
      stop: () =>
        (stopping ??= (async () => {
          try {
            await hooks.masterLifecycle.stopping.promise();
          } catch (e) {
            log.error({ err: errorMessage(e) }, "a stopping hook failed");
          }
          await undo();
          log.info({ url }, "master stopped");
        })()),
    };
  } catch (e) {
    await undo();
    throw e;
  }
}
