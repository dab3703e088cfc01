import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { request } from "node:http";
import { pino } from "pino";
import { RecordIODecoder } from "../api/recordio.js";
import { newStatusUuid } from "./task-status.js";
import { startMaster, type RunningMaster } from "./start-master.js";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A RecordIO event stream opened with a POST, collecting events as they arrive. */
class Stream {
  readonly events: Json[] = [];
  private waiters: Array<() => void> = [];
  readonly abort = new AbortController();
  headers!: Headers;
  status = 0;

  static async open(url: string, body: unknown): Promise<Stream> {
    const s = new Stream();
    const res = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
      signal: s.abort.signal,
    });
    s.status = res.status;
    s.headers = res.headers;
    if (res.body) void s.pump(res.body);
    return s;
  }

  private async pump(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new RecordIODecoder();
    try {
      for await (const chunk of body) {
        for (const record of decoder.decode(chunk)) this.events.push(JSON.parse(record));
        for (const w of this.waiters.splice(0)) w();
      }
    } catch {
      // aborted by the test
    }
  }

  /** Waits for the n-th (1-based) event of a type. */
  async next(type: string, n = 1, timeoutMs = 5000): Promise<Json> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.filter((e) => e.type === type);
      if (found.length >= n) return found[n - 1]!;
      if (Date.now() > deadline) throw new Error(`no ${type} event #${n}; got ${this.events.map((e) => e.type).join(", ")}`);
      await new Promise<void>((ok) => {
        this.waiters.push(ok);
        setTimeout(ok, 50);
      });
    }
  }

  close(): void {
    this.abort.abort();
  }
}

describe("master HTTP API", () => {
  let running: RunningMaster;
  const streams: Stream[] = [];
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${running.url}${path}`, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) });
  const open = async (path: string, body: unknown) => {
    const s = await Stream.open(`${running.url}${path}`, body);
    streams.push(s);
    return s;
  };

  beforeEach(async () => {
    running = await startMaster({ port: 0, registry: "memory", logger: pino({ level: "silent" }), allocationIntervalMs: 50 });
  });
  afterEach(async () => {
    for (const s of streams.splice(0)) s.close();
    await running.stop();
  });

  async function registerAgent() {
    const agent = await open("/internal/agent", {
      type: "REGISTER",
      register: {
        agent_info: {
          hostname: "fake-agent",
          port: 5051,
          resources: [
            { name: "cpus", type: "SCALAR", scalar: { value: 2 } },
            { name: "mem", type: "SCALAR", scalar: { value: 1024 } },
          ],
        },
        version: "1.0.0",
      },
    });
    expect(agent.status).toBe(200);
    const registered = await agent.next("REGISTERED");
    return { agent, agentId: registered.registered.agent_id.value as string };
  }

  async function subscribeFramework() {
    const fw = await open("/api/v1/scheduler", {
      type: "SUBSCRIBE",
      subscribe: { framework_info: { user: "test", name: "http-test", role: "web", capabilities: [{ type: "PARTITION_AWARE" }] } },
    });
    expect(fw.status).toBe(200);
    expect(fw.headers.get("content-type")).toBe("application/json");
    const streamId = fw.headers.get("mesos-stream-id");
    expect(streamId).toMatch(/^[0-9a-f-]{36}$/);
    const subscribed = await fw.next("SUBSCRIBED");
    return { fw, streamId: streamId!, frameworkId: subscribed.subscribed.framework_id.value as string, subscribed };
  }

  it("runs a task end to end: offer, launch, status update, acknowledgement", async () => {
    const { agent, agentId } = await registerAgent();
    const { fw, streamId, frameworkId, subscribed } = await subscribeFramework();
    expect(subscribed.subscribed.heartbeat_interval_seconds).toBe(15);

    const offers = await fw.next("OFFERS");
    const offer = offers.offers.offers[0];
    expect(offer.agent_id.value).toBe(agentId);
    expect(offer.hostname).toBe("fake-agent");

    const accept = await post(
      "/api/v1/scheduler",
      {
        type: "ACCEPT",
        framework_id: { value: frameworkId },
        accept: {
          offer_ids: [offer.id],
          operations: [
            {
              type: "LAUNCH",
              launch: {
                task_infos: [
                  {
                    name: "hello",
                    task_id: { value: "hello-1" },
                    agent_id: { value: agentId },
                    resources: [
                      { name: "cpus", type: "SCALAR", scalar: { value: 1 } },
                      { name: "mem", type: "SCALAR", scalar: { value: 64 } },
                    ],
                    command: { value: "echo hello" },
                  },
                ],
              },
            },
          ],
        },
      },
      { "Mesos-Stream-Id": streamId },
    );
    expect(accept.status).toBe(202);

    const run = await agent.next("RUN_TASK");
    expect(run.run_task.task.task_id.value).toBe("hello-1");
    expect(run.run_task.framework_id.value).toBe(frameworkId);

    const uuid = newStatusUuid();
    const update = await post("/internal/agent", {
      type: "STATUS_UPDATE",
      agent_id: { value: agentId },
      status_update: { framework_id: { value: frameworkId }, status: { task_id: { value: "hello-1" }, state: "TASK_RUNNING", source: "SOURCE_EXECUTOR", uuid } },
    });
    expect(update.status).toBe(202);
    const forwarded = await fw.next("UPDATE");
    expect(forwarded.update.status).toMatchObject({ task_id: { value: "hello-1" }, state: "TASK_RUNNING", uuid, agent_id: { value: agentId } });

    const ack = await post(
      "/api/v1/scheduler",
      { type: "ACKNOWLEDGE", framework_id: { value: frameworkId }, acknowledge: { agent_id: { value: agentId }, task_id: { value: "hello-1" }, uuid } },
      { "Mesos-Stream-Id": streamId },
    );
    expect(ack.status).toBe(202);
    const acked = await agent.next("STATUS_UPDATE_ACKNOWLEDGEMENT");
    expect(acked.status_update_acknowledgement).toEqual({ agent_id: { value: agentId }, framework_id: { value: frameworkId }, task_id: { value: "hello-1" }, uuid });

    const state = (await (await fetch(`${running.url}/master/state`)).json()) as Json;
    expect(state.slaves[0]).toMatchObject({ id: agentId, hostname: "fake-agent", used_resources: { cpus: 1, mem: 64 } });
    expect(state.frameworks[0].tasks[0]).toMatchObject({ id: "hello-1", state: "TASK_RUNNING", slave_id: agentId });

    const metrics = (await (await fetch(`${running.url}/metrics/snapshot`)).json()) as Json;
    expect(metrics).toMatchObject({ "master/tasks_running": 1, "master/slaves_active": 1, "master/frameworks_active": 1, "master/cpus_total": 2, "master/cpus_used": 1 });

    const prom = await (await fetch(`${running.url}/metrics`)).text();
    expect(prom).toMatch(/^tessera_master_tasks_running 1$/m);

    const tasks = (await (await post("/api/v1", { type: "GET_TASKS" })).json()) as Json;
    expect(tasks.get_tasks.tasks.map((t: Json) => t.task_id.value)).toEqual(["hello-1"]);
  });

  it("refuses calls without, or with a wrong, Mesos-Stream-Id", async () => {
    const { frameworkId } = await subscribeFramework();
    const call = { type: "REVIVE", framework_id: { value: frameworkId } };
    const missing = await post("/api/v1/scheduler", call);
    expect(missing.status).toBe(400);
    expect(await missing.text()).toMatch(/^Mesos-Stream-Id: header missing/);
    const wrong = await post("/api/v1/scheduler", call, { "Mesos-Stream-Id": "not-mine" });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toMatch(/^Mesos-Stream-Id: "not-mine" does not match the stream of framework/);
  });

  it("answers malformed bodies with 400 naming the field, and keeps serving", async () => {
    const notJson = await post("/api/v1/scheduler", "{not json");
    expect(notJson.status).toBe(400);
    expect(await notJson.text()).toMatch(/not valid JSON/);

    const badField = await post("/api/v1/scheduler", { type: "SUBSCRIBE", subscribe: { framework_info: { user: 7, name: "x" } } });
    expect(badField.status).toBe(400);
    expect(await badField.text()).toMatch(/^subscribe\.framework_info\.user: /);

    const badAgent = await post("/internal/agent", { type: "REGISTER", register: { agent_info: { hostname: "h", port: "x" } } });
    expect(badAgent.status).toBe(400);
    expect(await badAgent.text()).toMatch(/^register\.agent_info\.port: /);

    const badResources = await post("/internal/agent", {
      type: "REGISTER",
      register: { agent_info: { hostname: "h", port: 1, resources: [{ name: "ports", type: "RANGES", ranges: { range: [{ begin: 3, end: 1 }] } }] } },
    });
    expect(badResources.status).toBe(400);
    expect(await badResources.text()).toMatch(/^register\.agent_info\.resources\[0\]/);

    const wrongType = await fetch(`${running.url}/api/v1/scheduler`, { method: "POST", headers: { "Content-Type": "text/plain" }, body: "{}" });
    expect(wrongType.status).toBe(415);

    const health = await fetch(`${running.url}/health`);
    expect(health.status).toBe(200);
    expect(running.master.agents.size).toBe(0);
  });

  it("routes by the path as URL parsing reads it: query and dot segments dropped, escapes kept", async () => {
    // node:http sends the target as written (fetch would normalise it first).
    const get = (target: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(`${running.url}${target}`, { method: "GET" }, (res) => {
          let body = "";
          res.on("data", (c: Buffer) => (body += c.toString()));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on("error", reject);
        req.end();
      });
    expect((await get("/health")).status).toBe(200);
    expect((await get("/health?verbose=1")).status).toBe(200);
    expect((await get("/master/./health")).status).toBe(200);
    expect((await get("/a/../health")).status).toBe(200);
    expect((await get("//elsewhere/health")).status).toBe(200);
    expect(await get("/master/%68ealth")).toEqual({ status: 404, body: "no endpoint /master/%68ealth" });
    expect(await get("/master/nope")).toEqual({ status: 404, body: "no endpoint /master/nope" });
    const charset = await post("/api/v1", { type: "GET_HEALTH" }, { "Content-Type": "application/json; charset=utf-8" });
    expect(charset.status).toBe(200);
  });

  it("answers operator calls and 501 for ones it does not implement", async () => {
    const health = (await (await post("/api/v1", { type: "GET_HEALTH" })).json()) as Json;
    expect(health).toEqual({ type: "GET_HEALTH", get_health: { healthy: true } });
    const masterInfo = (await (await post("/api/v1", { type: "GET_MASTER" })).json()) as Json;
    expect(masterInfo.get_master.master_info.port).toBe(running.port);
    const unsupported = await post("/api/v1", { type: "DRAIN_AGENT" });
    expect(unsupported.status).toBe(501);
  });

  it("a dropped framework stream disconnects the framework without removing its tasks' agent", async () => {
    const { agentId } = await registerAgent();
    const { fw, frameworkId } = await subscribeFramework();
    fw.close();
    const deadline = Date.now() + 5000;
    while (running.master.frameworks.has(frameworkId) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    // failover_timeout defaults to 0: the framework is removed once its stream drops.
    expect(running.master.frameworks.has(frameworkId)).toBe(false);
    expect(running.master.agents.has(agentId)).toBe(true);
  });
});
