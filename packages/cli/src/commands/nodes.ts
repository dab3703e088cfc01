import { mkdir } from "node:fs/promises";
import { resolve } from "node:path";
import type { Command } from "commander";
import { startAgent, startMaster, type AgentHandle, type RunningMaster as MasterHandle } from "@tessera/core";
import { CommandError, untilStopped, type Io } from "../context.js";
import { loadDemo, type DemoHandle } from "../demo.js";
import { fileLogger } from "../logs.js";
import { parseAttributesText, parseCount, parseMasterUrl, parsePort, parseResourcesText } from "../options.js";
import { Progress } from "../progress.js";

export function registerNodeCommands(program: Command, io: Io, globalMaster: () => string): void {
  program
    .command("up")
    .description("start an embedded cluster (a master and N agents in this process) until Ctrl-C")
    .option("--agents <n>", "how many agents", parseCount, 1)
    .option("--port <port>", "master port; agents take the ports after it (0: any free ports)", parsePort, 5050)
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--config <file>", "modules config (YAML or JSON) for the master and the agents; each loads the modules of its role")
    .option("--resources <text>", 'resources of each agent, e.g. "cpus:2;mem:2048;ports:[31000-31999]" (default: detected)', parseResourcesText)
    .option("--work-dir <dir>", "where master and agents keep their state", ".tessera")
    .option("--demo", "also run the demo framework against the cluster")
    .action(async (opts: UpOptions) => up(io, opts));

  program
    .command("master")
    .description("run a master until Ctrl-C")
    .option("--port <port>", "port to listen on", parsePort, 5050)
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--work-dir <dir>", "where the master keeps its registry", ".tessera/master")
    .option("--config <file>", "modules config (YAML or JSON); modules of other roles are skipped")
    .action(async (opts: { port: number; host: string; workDir: string; config?: string }) => {
      const stopping = untilStopped(io);
      const master = await start("master", () =>
        startMaster({ port: opts.port, host: opts.host, workDir: resolve(opts.workDir), ...(opts.config && { config: resolve(opts.config) }) }),
      );
      io.stdout.write(`master  ${master.url}\n`);
      await stopping;
      await stopAll(io, [], master);
    });

  program
    .command("agent")
    .description("run an agent that registers with a master, until Ctrl-C")
    .option("--master <url>", "the master to register with (default: the global --master)", parseMasterUrl)
    .option("--port <port>", "port to listen on", parsePort, 5051)
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--resources <text>", 'e.g. "cpus:4;mem:4096;ports:[31000-32000]" (default: detected)', parseResourcesText)
    .option("--attributes <text>", 'e.g. "rack:a;zone:z1"', parseAttributesText)
    .option("--work-dir <dir>", "where the agent keeps sandboxes and checkpoints", ".tessera/agent")
    .option("--config <file>", "modules config (YAML or JSON); modules of other roles are skipped")
    .action(async (opts: AgentOptions) => {
      const stopping = untilStopped(io);
      const agent = await start("agent", () =>
        startAgent({
          masterUrl: opts.master ?? globalMaster(),
          port: opts.port,
          host: opts.host,
          workDir: resolve(opts.workDir),
          ...(opts.resources && { resources: opts.resources }),
          ...(opts.attributes && { attributes: opts.attributes }),
          ...(opts.config && { config: resolve(opts.config) }),
        }),
      );
      io.stdout.write(`agent   ${agent.url}\n`);
      await stopping;
      await stopAll(io, [agent]);
    });
}

interface UpOptions {
  agents: number;
  port: number;
  host: string;
  config?: string;
  resources?: string;
  workDir: string;
  demo?: boolean;
}

interface AgentOptions {
  master?: string;
  port: number;
  host: string;
  resources?: string;
  attributes?: string;
  workDir: string;
  config?: string;
}

async function up(io: Io, opts: UpOptions): Promise<void> {
  const progress = new Progress(io.stderr);
  const workDir = resolve(opts.workDir);
  const config = opts.config && resolve(opts.config);
  const stopping = untilStopped(io);
  let master: MasterHandle | undefined;
  const agents: AgentHandle[] = [];
  let demo: DemoHandle | undefined;
  try {
    progress.update("starting the master");
    await mkdir(workDir, { recursive: true });
    master = await start("master", () =>
      startMaster({
        port: opts.port,
        host: opts.host,
        workDir: resolve(workDir, "master"),
        logger: fileLogger("tessera-master", resolve(workDir, "master.log")),
        ...(config && { config }),
      }),
    );
    progress.log(`master   ${master.url}`, io.stdout);
    for (let i = 1; i <= opts.agents; i++) {
      progress.update(`starting agent ${i} of ${opts.agents}`);
      const agent = await start(`agent ${i}`, () =>
        startAgent({
          masterUrl: master!.url,
          port: opts.port === 0 ? 0 : opts.port + i,
          host: opts.host,
          workDir: resolve(workDir, `agent-${i}`),
          logger: fileLogger(`tessera-agent-${i}`, resolve(workDir, `agent-${i}.log`)),
          ...(opts.resources && { resources: opts.resources }),
          ...(config && { config }),
        }),
      );
      agents.push(agent);
      progress.log(`agent ${i}  ${agent.url}`, io.stdout);
    }
    progress.done(`state and logs under ${opts.workDir}/ · Ctrl-C stops everything`);
    if (opts.demo) {
      const runDemo = await loadDemo();
      demo = runDemo({ master: master.url, out: io.stdout });
    }
    // A demo that fails ends `up` with its reason; one that finishes leaves the cluster running.
    const demoFailed = demo ? demo.done.then(() => new Promise<string>(() => {})) : new Promise<string>(() => {});
    const signal = await Promise.race([stopping, demoFailed]);
    io.stderr.write(`\n${signal}: stopping\n`);
  } finally {
    progress.done();
    if (demo) await demo.stop().catch(() => {});
    await stopAll(io, agents, master, true);
  }
}

async function start<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof CommandError) throw err;
    throw new CommandError(`cannot start the ${what}: ${(err as Error).message}`);
  }
}

/**
 * Agents first (they tell the master they are going), then the master; each gets a few seconds.
 * `up` owns its tasks and kills them; a lone agent leaves them running for its next start to recover.
 */
async function stopAll(io: Io, agents: AgentHandle[], master?: MasterHandle, killTasks = false): Promise<void> {
  // A terminal's Ctrl-C can reach us twice at once (directly and relayed by npm/tsx): only a
  // second press, a moment later, means "stop waiting".
  const since = Date.now();
  const forced = io.onStop(() => {
    if (Date.now() - since < 1000) return;
    io.stderr.write("stopping anyway\n");
    process.exit(130);
  });
  try {
    await Promise.all(agents.map((a) => withTimeout(a.stop({ killTasks }), 5000, `agent ${a.url}`, io)));
    if (master) await withTimeout(master.stop(), 5000, "master", io);
  } finally {
    forced();
  }
}

async function withTimeout(p: Promise<void>, ms: number, what: string, io: Io): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((r) => {
    timer = setTimeout(() => {
      io.stderr.write(`${what} did not stop within ${ms} ms\n`);
      r();
    }, ms);
  });
  try {
    await Promise.race([p.catch((err: Error) => void io.stderr.write(`${what}: ${err.message}\n`)), late]);
  } finally {
    clearTimeout(timer);
  }
}
