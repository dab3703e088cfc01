// A scheduler as its own OS process, so a test can SIGKILL it and start it again:
// `node --import tsx test/fault/framework-process.ts --master URL --name N [--tasks 25] ...`.
// It speaks the v1 scheduler API as a Mesos scheduler driver does: subscribes (with its framework
// id once it has one, re-subscribing whenever the stream breaks), launches `--tasks` tasks spread
// over the offers, acknowledges every reliable update, and declines the rest. Every event it gets
// is printed to stdout as one JSON line; each stdin line is a call body it sends (framework id and
// stream id filled in), answered by a `{"type":"CALL_RESULT"}` line.
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { request } from "undici";
import { RecordIODecoder } from "../../src/api/index.js";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const { values: v } = parseArgs({
  options: {
    master: { type: "string" },
    name: { type: "string", default: "fault-fw" },
    "framework-id": { type: "string" },
    "partition-aware": { type: "boolean", default: false },
    "failover-timeout-s": { type: "string", default: "0" },
    tasks: { type: "string", default: "0" },
    prefix: { type: "string", default: "t" },
    command: { type: "string", default: "sleep 3600" },
    cpus: { type: "string", default: "0.1" },
    mem: { type: "string", default: "16" },
    /** Put as many tasks as fit into the first offer instead of spreading them. */
    pack: { type: "boolean", default: false },
    /** A Mesos HealthCheck (JSON) for every task. */
    "health-check": { type: "string" },
  },
});
if (v.master === undefined) throw new Error("framework-process: --master is required");
const base = new URL("/api/v1/scheduler", v.master);
const cpus = Number(v.cpus);
const mem = Number(v.mem);
let toLaunch = Number(v.tasks);
let launched = 0;
let frameworkId = v["framework-id"];
let streamId = "";

const out = (e: Json) => process.stdout.write(`${JSON.stringify(e)}\n`);
const scalar = (name: string, value: number) => ({ name, type: "SCALAR", scalar: { value } });
const scalarIn = (resources: Json[], name: string) => resources.filter((r) => r.name === name).reduce((s, r) => s + (r.scalar?.value ?? 0), 0);

async function call(body: Json): Promise<{ status: number; text: string }> {
  const res = await request(base, {
    method: "POST",
    headers: { "content-type": "application/json", "mesos-stream-id": streamId },
    body: JSON.stringify({ framework_id: { value: frameworkId }, ...body }),
  });
  return { status: res.statusCode, text: await res.body.text() };
}

/** The task command carries a marker so the tests can find its process in /proc. */
const command = (taskId: string) => `${v.command}; : fault-task=${frameworkId}/${taskId}`;

async function onOffers(offers: Json[]): Promise<void> {
  const decline: Json[] = [];
  for (const [i, offer] of offers.entries()) {
    // Spread what is left evenly over this batch of offers (one per agent).
    const share = v.pack ? toLaunch : Math.ceil(toLaunch / (offers.length - i));
    const fit = Math.min(share, Math.floor(scalarIn(offer.resources, "cpus") / cpus + 1e-9), Math.floor(scalarIn(offer.resources, "mem") / mem));
    if (fit <= 0) {
      decline.push(offer.id);
      continue;
    }
    const tasks = Array.from({ length: fit }, () => {
      const id = `${v.prefix}${launched++}`;
      return {
        name: id,
        task_id: { value: id },
        agent_id: offer.agent_id,
        resources: [scalar("cpus", cpus), scalar("mem", mem)],
        command: { shell: true, value: command(id) },
        ...(v["health-check"] !== undefined && { health_check: JSON.parse(v["health-check"]) as Json }),
        kill_policy: { grace_period: { nanoseconds: 200_000_000 } },
      };
    });
    toLaunch -= fit;
    const r = await call({ type: "ACCEPT", accept: { offer_ids: [offer.id], operations: [{ type: "LAUNCH", launch: { task_infos: tasks } }], filters: { refuse_seconds: 0 } } });
    out({ type: "LAUNCHED", status: r.status, tasks: tasks.map((t) => t.task_id.value), agent_id: offer.agent_id.value });
  }
  if (decline.length > 0) await call({ type: "DECLINE", decline: { offer_ids: decline, filters: { refuse_seconds: 2 } } });
}

async function onEvent(e: Json): Promise<void> {
  out(e);
  if (e.type === "UPDATE" && e.update.status.uuid) {
    const s = e.update.status;
    await call({ type: "ACKNOWLEDGE", acknowledge: { agent_id: s.agent_id, task_id: s.task_id, uuid: s.uuid } });
  } else if (e.type === "OFFERS") await onOffers(e.offers.offers ?? []);
}

async function subscribeOnce(): Promise<void> {
  const info: Json = { user: "", name: v.name, failover_timeout: Number(v["failover-timeout-s"]) };
  if (v["partition-aware"]) info.capabilities = [{ type: "PARTITION_AWARE" }];
  if (frameworkId) info.id = { value: frameworkId };
  const res = await request(base, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ type: "SUBSCRIBE", ...(frameworkId && { framework_id: { value: frameworkId } }), subscribe: { framework_info: info } }),
    bodyTimeout: 0,
  });
  if (res.statusCode !== 200) {
    out({ type: "SUBSCRIBE_FAILED", status: res.statusCode, text: await res.body.text() });
    return;
  }
  streamId = String(res.headers["mesos-stream-id"]);
  const decoder = new RecordIODecoder();
  for await (const chunk of res.body) {
    for (const record of decoder.decode(chunk as Uint8Array)) {
      const e = JSON.parse(record) as Json;
      if (e.type === "SUBSCRIBED") frameworkId = e.subscribed.framework_id.value;
      // One at a time, in order: an ACCEPT must not overtake the SUBSCRIBED it depends on.
      await onEvent(e).catch((err: unknown) => out({ type: "CALL_FAILED", error: String(err) }));
    }
  }
}

createInterface({ input: process.stdin }).on("line", (line) => {
  if (!line.trim()) return;
  call(JSON.parse(line) as Json).then(
    (r) => out({ type: "CALL_RESULT", ...r }),
    (err: unknown) => out({ type: "CALL_RESULT", status: 0, text: String(err) }),
  );
});

// A scheduler driver re-subscribes for as long as it lives (master failover, dropped stream).
for (;;) {
  await subscribeOnce().catch((err: unknown) => out({ type: "STREAM_ERROR", error: String(err) }));
  out({ type: "DISCONNECTED" });
  await new Promise((r) => setTimeout(r, 200));
}
