// Master heap per agent and per task. Run in its own process with --expose-gc (e2e.bench.ts
// does): prints one JSON line. Drives the Master class directly (not over HTTP: 10k streaming
// connections would measure node:http's sockets and take minutes to open here), but every call
// goes through the same parsers the HTTP layer uses (parseAgentCall, parseSchedulerCall).
import "reflect-metadata";
import { pino } from "pino";
import {
  agentProtocol,
  createMasterHooks,
  DEFAULT_MASTER_CONFIG,
  HierarchicalAllocator,
  Master,
  MemoryStorage,
  parseSchedulerCall,
  Registry,
  type EventSink,
} from "../src/index.js";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const AGENTS = Number(process.env.E2E_HEAP_AGENTS ?? 10_000);
const TASKS = Number(process.env.E2E_HEAP_TASKS ?? 100_000);
const perAgent = Math.ceil(TASKS / AGENTS);

/** An event stream that hands events on and keeps nothing (an HTTP sink keeps nothing either once written). */
class CallbackSink implements EventSink<Json> {
  closed = false;
  constructor(private readonly onEvent: (e: Json) => void = () => undefined) {}
  send(event: Json): boolean {
    this.onEvent(event);
    return true;
  }
  close(): void {
    this.closed = true;
  }
}

function heapUsed(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("e2e-heap: run with node --expose-gc");
  for (let i = 0; i < 4; i++) gc();
  return process.memoryUsage().heapUsed;
}

const scalar = (name: string, value: number) => ({ name, type: "SCALAR", scalar: { value } });

async function main(): Promise<void> {
  const hooks = createMasterHooks();
  // The in-memory registry keeps a copy of every agent's info on the heap: an upper bound (SQLite keeps it off-heap).
  const master = new Master(
    { ...DEFAULT_MASTER_CONFIG, masterId: "heap", hostname: "localhost", port: 5050, version: "0.1.0", allocationIntervalMs: 2 ** 31 - 1, agentPingIntervalMs: 2 ** 31 - 1 },
    new HierarchicalAllocator({ hooks: hooks.allocation }),
    new Registry(new MemoryStorage()),
    hooks,
    pino({ level: "silent" }),
    Date.now,
  );
  await master.start();
  await new Promise((r) => setImmediate(r));
  const base = heapUsed();

  const agentIds: string[] = [];
  for (let i = 0; i < AGENTS; i++) {
    const call = agentProtocol.parseAgentCall({
      type: "REGISTER",
      register: {
        agent_info: {
          hostname: `agent-${i}.cluster.example.com`,
          port: 5051,
          resources: [scalar("cpus", 16), scalar("mem", 65536), scalar("disk", 100_000), { name: "ports", type: "RANGES", ranges: { range: [{ begin: 31000, end: 32000 }] } }],
          attributes: [
            { name: "rack", type: "TEXT", text: { value: `r${i % 40}` } },
            { name: "zone", type: "TEXT", text: { value: `z${i % 3}` } },
          ],
        },
        version: "1.0.0",
      },
    });
    if (call.type !== "REGISTER") throw new Error("unreachable");
    const { agentId } = await master.registerAgent(call, new CallbackSink());
    agentIds.push(agentId);
  }
  await new Promise((r) => setImmediate(r)); // the allocation they scheduled runs (no framework: no offers)
  const withAgents = heapUsed();

  const offers: Json[] = [];
  const subscribe = parseSchedulerCall({ type: "SUBSCRIBE", subscribe: { framework_info: { user: "", name: "heap", roles: ["heap"], capabilities: [{ type: "MULTI_ROLE" }] } } });
  if (subscribe.type !== "SUBSCRIBE") throw new Error("unreachable");
  const updates: Json[] = [];
  const { frameworkId, streamId } = await master.subscribe(
    subscribe,
    new CallbackSink((e) => {
      if (e.type === "OFFERS") offers.push(...(e.offers.offers as Json[]));
      if (e.type === "UPDATE") updates.push(e.update.status);
    }),
  );
  const call = async (body: Json) => {
    const parsed = parseSchedulerCall({ framework_id: { value: frameworkId }, ...body });
    if (parsed.type === "SUBSCRIBE") throw new Error("unreachable");
    await master.schedulerCall(parsed, streamId);
  };
  master.allocate();

  let launched = 0;
  while (launched < TASKS) {
    const offer = offers.shift();
    if (!offer) throw new Error(`e2e-heap: ran out of offers after ${launched} tasks`);
    const n = Math.min(perAgent, TASKS - launched);
    const role = offer.allocation_info.role as string;
    const taskInfos = Array.from({ length: n }, (_, k) => ({
      name: `web-${launched + k}`,
      task_id: { value: `web-${launched + k}` },
      agent_id: offer.agent_id,
      resources: [
        { ...scalar("cpus", 0.5), allocation_info: { role } },
        { ...scalar("mem", 512), allocation_info: { role } },
      ],
      command: { shell: true, value: "exec ./server --port $PORT0" },
    }));
    await call({ type: "ACCEPT", accept: { offer_ids: [offer.id], operations: [{ type: "LAUNCH", launch: { task_infos: taskInfos } }], filters: { refuse_seconds: 0 } } });
    launched += n;
    // The agent reports each running (a reliable update), the framework acknowledges it.
    for (const t of taskInfos) {
      const status = agentProtocol.parseAgentCall({
        type: "STATUS_UPDATE",
        agent_id: offer.agent_id,
        status_update: {
          framework_id: { value: frameworkId },
          status: { task_id: t.task_id, state: "TASK_RUNNING", source: "SOURCE_EXECUTOR", uuid: Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64"), timestamp: Date.now() / 1000 },
        },
      });
      if (status.type !== "STATUS_UPDATE") throw new Error("unreachable");
      await master.agentCall(status);
    }
    for (const s of updates.splice(0)) await call({ type: "ACKNOWLEDGE", acknowledge: { agent_id: s.agent_id, task_id: s.task_id, uuid: s.uuid } });
  }
  for (const o of offers.splice(0)) await call({ type: "DECLINE", decline: { offer_ids: [o.id], filters: { refuse_seconds: 0 } } });
  const running = [...master.frameworks.get(frameworkId)!.tasks.values()].filter((t) => t.state === "TASK_RUNNING").length;
  if (running !== TASKS) throw new Error(`e2e-heap: expected ${TASKS} running tasks, the master has ${running}`);
  if (master.pendingUpdates(frameworkId).length !== 0) throw new Error("e2e-heap: updates left unacknowledged");
  const withTasks = heapUsed();
  master.stop();
  process.stdout.write(
    `${JSON.stringify({ agents: AGENTS, tasks: TASKS, perAgentBytes: (withAgents - base) / AGENTS, perTaskBytes: (withTasks - withAgents) / TASKS, baseBytes: base })}\n`,
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`e2e-heap: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
