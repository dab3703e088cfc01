// The master's own CPU per launched task (issue 3's no-op launch rate), without HTTP and without
// a client: the Master class in this process gets the noop e2e bench's calls (an ACCEPT of 200
// tasks per offer, one STATUS_UPDATES call per agent per batch, an ACKNOWLEDGE per update) as
// JSON bytes, parsed as the HTTP handler parses them, and its events are RecordIO-encoded as the
// HTTP sinks encode them. Only the master's side is timed: the bodies are built beforehand.
import "reflect-metadata";
import { fileURLToPath } from "node:url";
import type { AgentEvent } from "../src/api/agent-protocol/events.js";
import { parseAgentCall } from "../src/api/agent-protocol/calls.js";
import { readJsonBody } from "../src/api/proto-json.js";
import { encodeRecord } from "../src/api/recordio.js";
import type { SchedulerEvent } from "../src/api/scheduler/events.js";
import { parseSchedulerCall } from "../src/api/scheduler/parse-call.js";
import type { EventSink } from "../src/master/event-sink.js";
import { agentInfo, makeMaster } from "../src/master/test-kit.js";

/** Keeps the events for the simulated peers to read and encodes each, as RecordIOSink does. */
class EncodingSink<E> implements EventSink<E> {
  events: E[] = [];
  bytes = 0;
  closed = false;
  send(event: E): boolean {
    this.bytes += encodeRecord(event).length;
    this.events.push(event);
    return true;
  }
  close(): void {
    this.closed = true;
  }
  take(): E[] {
    const out = this.events;
    this.events = [];
    return out;
  }
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const body = (json: unknown) => Buffer.from(JSON.stringify(json));

// 16-byte update ids from a counter, as the simulated agents make them.
const uuidBytes = Buffer.alloc(16);
let uuidSeq = 0n;
const uuid = () => {
  uuidBytes.writeBigUInt64BE(++uuidSeq, 8);
  return uuidBytes.toString("base64");
};

const AGENTS = 10;
const PER_OFFER = 200;

async function setUp() {
  const kit = makeMaster({ statusUpdateRetryMinMs: 10_000 });
  const agents: Array<{ id: string; sink: EncodingSink<AgentEvent> }> = [];
  for (let i = 0; i < AGENTS; i++) {
    const sink = new EncodingSink<AgentEvent>();
    const { agentId } = await kit.master.registerAgent({ type: "REGISTER", register: { agent_info: agentInfo(`sim-${i}`, "cpus:8;mem:8192"), version: "1.0.0" } }, sink);
    agents.push({ id: agentId, sink });
  }
  const fwSink = new EncodingSink<SchedulerEvent>();
  const fw = await kit.master.subscribe({ type: "SUBSCRIBE", framework_id: undefined, subscribe: { framework_info: { user: "bench", name: "bench-noop", role: "bench" } } }, fwSink);
  return { kit, agents, fwSink, ...fw };
}
type Setup = Awaited<ReturnType<typeof setUp>>;

/**
 * Launches and finishes one round of tasks (an offer's worth on every agent); returns the master's
 * CPU µs in each phase of the round (allocate, accept, updates and acknowledgements).
 */
async function round(s: Setup, tasks: number, next: { seq: number }): Promise<number[]> {
  const { master } = s.kit;
  const framework_id = { value: s.frameworkId };
  const phases: number[] = [];
  const timed = async (fn: () => unknown) => {
    const t = process.cpuUsage();
    await fn();
    const d = process.cpuUsage(t);
    phases.push(d.user + d.system);
  };
  const sched = (bodies: Buffer[]) => timed(async () => {
    for (const b of bodies) await master.schedulerCall(parseSchedulerCall(b) as never, s.streamId);
  });
  const agentCalls = (bodies: Buffer[]) => timed(async () => {
    for (const b of bodies) await master.agentCall(parseAgentCall(readJsonBody(b)) as never);
  });
  const resources = [
    { name: "cpus", type: "SCALAR", scalar: { value: 0.01 }, allocation_info: { role: "bench" } },
    { name: "mem", type: "SCALAR", scalar: { value: 8 }, allocation_info: { role: "bench" } },
  ];

  let launched = 0;
  await timed(() => master.allocate());
  const offers = s.fwSink.take().flatMap((e: Json) => (e.type === "OFFERS" ? e.offers.offers : []));
  const accepts: Buffer[] = [];
  for (const offer of offers) {
    const k = Math.min(PER_OFFER, tasks - launched);
    launched += k;
    const task_infos = Array.from({ length: k }, () => {
      const id = `t${next.seq++}`;
      return { name: id, task_id: { value: id }, agent_id: offer.agent_id, resources, command: { shell: true, value: "true" } };
    });
    const operations = k === 0 ? [] : [{ type: "LAUNCH", launch: { task_infos } }];
    accepts.push(body({ framework_id, type: "ACCEPT", accept: { offer_ids: [offer.id], operations, filters: { refuse_seconds: 0 } } }));
  }
  await sched(accepts);
  // RUNNING, then FINISHED once RUNNING is acknowledged, as the simulated agents do.
  for (const state of ["TASK_RUNNING", "TASK_FINISHED"]) {
    const updates: Buffer[] = [];
    for (const a of s.agents) {
      const runs = a.sink.take().filter((e: Json) => e.type === "RUN_TASK" || e.type === "STATUS_UPDATE_ACKNOWLEDGEMENT");
      if (runs.length === 0) continue;
      const list = runs.map((e: Json) => ({
        framework_id,
        status: { task_id: e.type === "RUN_TASK" ? e.run_task.task.task_id : e.status_update_acknowledgement.task_id, state, source: "SOURCE_EXECUTOR", uuid: uuid(), timestamp: Date.now() / 1000 },
      }));
      updates.push(body({ type: "STATUS_UPDATES", agent_id: { value: a.id }, status_updates: { updates: list } }));
    }
    await agentCalls(updates);
    const acks = s.fwSink
      .take()
      .filter((e: Json) => e.type === "UPDATE")
      .map((e: Json) => {
        const st = e.update.status;
        return body({ framework_id, type: "ACKNOWLEDGE", acknowledge: { agent_id: st.agent_id, task_id: st.task_id, uuid: st.uuid } });
      });
    await sched(acks);
  }
  for (const a of s.agents) a.sink.take();
  if (launched !== tasks) throw new Error(`master-cpu bench: launched ${launched} of ${tasks} tasks in a round`);
  return phases;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * The sum over phases of each phase's median across rounds: on a shared machine a whole run's
 * CPU time swings by a third with the neighbours' load, a phase's median much less (the GC work
 * every round does stays in; a neighbour's burst does not).
 */
export async function run(): Promise<void> {
  const rounds = Number(process.env.MASTER_CPU_ROUNDS ?? 30);
  const perRound = AGENTS * PER_OFFER;
  const s = await setUp();
  const next = { seq: 0 };
  try {
    for (let i = 0; i < 5; i++) await round(s, perRound, next); // JIT, allocator caches
    const samples: number[][] = [];
    for (let i = 0; i < rounds; i++) samples.push(await round(s, perRound, next));
    const phases = samples[0]!.map((_, phase) => median(samples.map((r) => r[phase]!)) / perRound);
    const us = phases.reduce((a, b) => a + b, 0);
    // Per phase: allocate, accept, RUNNING updates, their acks, FINISHED updates, their acks.
    const detail = process.env.MASTER_CPU_PHASES ? ` phases=${phases.map((p) => p.toFixed(1)).join("/")}` : "";
    console.log(`e2e: master_cpu_us_per_task=${us.toFixed(1)} mode=in_process tasks=${rounds * perRound}${detail}`);
  } finally {
    s.kit.master.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await run();
