import "reflect-metadata"; // tsyringe refuses to load without it; harmless if the entry point loaded it already
import { mkdir } from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { hostname as osHostname } from "node:os";
import { resolve } from "node:path";
import { pino, type Logger } from "pino";
import { container as rootContainer } from "tsyringe";
import type { AttributeJson } from "../api/agent-protocol/common.js";
import { createAgentHooks, type AgentHooks, type Containerizer } from "../hooks/index.js";
import { ModuleLoader, parseModulesConfig, readModulesConfig, type LoadResult, type ModulesConfig } from "../modules/index.js";
import { Resources } from "../resources/index.js";
import { Agent } from "./agent.js";
import type { AgentConfig } from "./agent-config.js";
import { parseAttributes } from "./attributes.js";
import { ProcessContainerizer } from "./containerizer/index.js";
import { createAgentServer, type SandboxFiles } from "./http/agent-server.js";
import { AgentCheckpoint } from "./checkpoint/agent-checkpoint.js";
import { browse, readSandboxFile, SandboxDirectories } from "./sandbox/index.js";
import { detectResources } from "./resources-detect.js";
import type { RetryPolicy } from "./status-updates/status-update-manager.js";
import type { SandboxCreator } from "./tasks/task-launcher.js";
import { AGENT_CONFIG, AGENT_HOOKS, AGENT_LOGGER, AGENT_CHECKPOINT, DEFAULT_CONTAINERIZER, SANDBOX_CREATOR } from "./tokens.js";

export interface StartAgentOptions {
  masterUrl: string;
  /** Address the HTTP server listens on (default 127.0.0.1). */
  host?: string;
  /** Port of the HTTP server (default 5051; 0 picks a free one). */
  port?: number;
  /** Checkpoints, status update logs and sandboxes live here; reuse it to recover after a restart. */
  workDir: string;
  /** Mesos text, e.g. "cpus:4;mem:8192;disk:100000;ports:[31000-32000]" (default: detected). */
  resources?: string;
  /** Mesos text, e.g. "rack:a;zone:z1". */
  attributes?: string;
  /** Modules config: a YAML/JSON file path, or the parsed object (its paths resolve from `configBaseDir`). */
  config?: string | ModulesConfig;
  configBaseDir?: string;
  /** Name the master and operators reach this agent by (default: host, or the machine's name when host is a wildcard). */
  hostname?: string;
  logger?: Logger;
  /** Run tasks as their framework's user (default: only when running as root). */
  switchUser?: boolean;
  /** Status update re-send back-off (Mesos: 10 s doubling to 10 min). */
  statusUpdateRetry?: RetryPolicy;
  /** Back-off between attempts to reach the master (Mesos: up to 1 s, doubling to 1 min). */
  registrationBackoff?: { initialMs: number; maxMs: number };
  /** How often the oversubscription hooks (estimate, qosCorrections) run (default 15 s). */
  oversubscriptionIntervalMs?: number;
  /** Replace built-in parts (tests, embedders). */
  parts?: { containerizer?: Containerizer; sandboxes?: SandboxCreator; files?: SandboxFiles };
}

export interface AgentHandle {
  /** The agent's HTTP address, e.g. http://127.0.0.1:5051. */
  url: string;
  /** The id the master gave it; undefined until the first registration. */
  agentId(): string | undefined;
  /** Stops serving and talking to the master; tasks keep running unless `killTasks`. */
  stop(opts?: { killTasks?: boolean }): Promise<void>;
  readonly agent: Agent;
  readonly hooks: AgentHooks;
}

const errText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Starts an agent: the composition root of the agent runtime. Everything that can be refused
 * (resources, attributes, modules) is checked before anything listens, so a bad start leaves
 * nothing half-running.
 */
export async function startAgent(opts: StartAgentOptions): Promise<AgentHandle> {
  const log = opts.logger ?? pino({ name: "tessera-agent" });
  const workDir = resolve(opts.workDir);
  await mkdir(workDir, { recursive: true });

  const resourcesText = opts.resources ?? (await detectResources(workDir));
  let resources: Resources;
  try {
    resources = Resources.parse(resourcesText);
  } catch (err) {
    throw new Error(`--resources: ${errText(err)}`);
  }
  const attributes: AttributeJson[] = opts.attributes ? parseAttributes(opts.attributes) : [];

  const parts = opts.parts ?? {};
  const containerizer = parts.containerizer ?? new ProcessContainerizer({ warn: (message) => log.warn(message) });
  const sandboxes = parts.sandboxes ?? new SandboxDirectories(workDir);
  const files: SandboxFiles = parts.files ?? { read: readSandboxFile, browse };

  const hooks = createAgentHooks();
  const container = rootContainer.createChildContainer();
  let modules: LoadResult | undefined;
  const loader = new ModuleLoader({ log: log.child({ component: "modules" }) });
  if (opts.config !== undefined) {
    const { config, baseDir } =
      typeof opts.config === "string"
        ? await readModulesConfig(opts.config)
        : { config: parseModulesConfig(opts.config), baseDir: resolve(opts.configBaseDir ?? ".") };
    modules = await loader.load(config, { role: "agent", hooks, container, resolveFrom: baseDir });
  }

  let agent: Agent | undefined;
  const server = createAgentServer({ agent: () => agent, files, modules: () => loader.list(), log });
  const host = opts.host ?? "127.0.0.1";
  try {
    await listen(server, host, opts.port ?? 5051);
  } catch (err) {
    await modules?.unload();
    throw new Error(`agent: cannot listen on ${host}:${opts.port ?? 5051}: ${errText(err)}`);
  }
  const port = (server.address() as AddressInfo).port;
  const advertised = opts.hostname ?? (host === "0.0.0.0" || host === "::" ? osHostname() : host);

  const config: AgentConfig = {
    masterUrl: opts.masterUrl,
    workDir,
    hostname: advertised,
    port,
    resources,
    attributes,
    switchUser: opts.switchUser ?? process.getuid?.() === 0,
    ...(opts.statusUpdateRetry ? { statusUpdateRetry: opts.statusUpdateRetry } : {}),
    ...(opts.registrationBackoff ? { registrationBackoff: opts.registrationBackoff } : {}),
    ...(opts.oversubscriptionIntervalMs ? { oversubscriptionIntervalMs: opts.oversubscriptionIntervalMs } : {}),
  };
  container.register(AGENT_CONFIG, { useValue: config });
  container.register(AGENT_LOGGER, { useValue: log });
  container.register(AGENT_HOOKS, { useValue: hooks });
  container.register(DEFAULT_CONTAINERIZER, { useValue: containerizer });
  container.register(AGENT_CHECKPOINT, { useValue: new AgentCheckpoint(workDir) });
  container.register(SANDBOX_CREATOR, { useValue: sandboxes });

  const candidate = container.resolve(Agent);
  try {
    await candidate.start();
  } catch (err) {
    await candidate.stop().catch(() => undefined);
    await close(server);
    await modules?.unload();
    throw new Error(`agent: start failed: ${errText(err)}`);
  }
  agent = candidate;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  log.info({ url, workDir, resources: resources.toString(), master: opts.masterUrl }, "agent started");

  let stopped: Promise<void> | undefined;
  return {
    url,
    agent: candidate,
    hooks,
    agentId: () => candidate.agentId(),
    stop: (o) =>
      (stopped ??= (async () => {
        await candidate.stop(o);
        await close(server);
        await modules?.unload();
        await Promise.resolve(container.dispose()).catch(() => undefined);
      })()),
  };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((res, rej) => {
    server.once("error", rej);
    server.listen(port, host, () => {
      server.off("error", rej);
      res();
    });
  });
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((res) => server.close(() => res()));
}
