import { afterEach, describe, expect, it } from "vitest";
import { FakeMaster, frame, offer, subscribedEvent } from "./__fixtures__/fake-master.js";
import { SchedulerClient, type SchedulerClientOptions } from "./client.js";
import { HeartbeatLostError, MesosCallError } from "./errors.js";
import type { Offer, SchedulerEvent, TaskStatus } from "./types.js";

const framework = { user: "root", name: "test-fw", failover_timeout: 60 };
const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function master(): Promise<FakeMaster> {
  const m = await new FakeMaster().start();
  cleanup.push(() => m.stop());
  return m;
}

function client(opts: Partial<SchedulerClientOptions> & { master: string }): SchedulerClient {
  const c = new SchedulerClient({ framework, reconnect: { initialDelayMs: 10, maxDelayMs: 50 }, ...opts });
  cleanup.push(() => c.close());
  return c;
}

/** Subscribes and plays the master's side of the handshake. */
async function subscribed(m: FakeMaster, c: SchedulerClient, id = "fw-1"): Promise<void> {
  const done = c.subscribe();
  await m.waitFor("SUBSCRIBE");
  m.send(subscribedEvent(id));
  await done;
}

const until = async (cond: () => boolean, what: string): Promise<void> => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!cond()) throw new Error(`timed out waiting for ${what}`);
};

describe("SchedulerClient", () => {
  it("subscribes with the FrameworkInfo, keeps the stream id and the framework id", async () => {
    const m = await master();
    const c = client({ master: m.url });
    const done = c.subscribe();
    await m.waitFor("SUBSCRIBE");
    m.send(subscribedEvent("fw-42"));
    const sub = await done;
    expect(sub.framework_id.value).toBe("fw-42");
    expect(c.frameworkId).toBe("fw-42");
    expect(c.streamId).toBe("stream-1");
    const call = m.callsOf("SUBSCRIBE")[0]!.body as unknown as { subscribe: { framework_info: { name: string } } };
    expect(call.subscribe.framework_info.name).toBe("test-fw");

    await c.decline(["o-1"], { refuse_seconds: 30 });
    const decline = m.callsOf("DECLINE")[0]!;
    expect(decline.streamId).toBe("stream-1");
    expect(decline.body).toMatchObject({ framework_id: { value: "fw-42" }, decline: { offer_ids: [{ value: "o-1" }], filters: { refuse_seconds: 30 } } });
  });

  it("decodes events split across chunks and several events in one chunk", async () => {
    const m = await master();
    const c = client({ master: m.url });
    const seen: SchedulerEvent[] = [];
    const offers: Offer[][] = [];
    c.on("offers", (o) => offers.push(o));
    const iterating = (async () => {
      for await (const e of c.events()) {
        seen.push(e);
        if (seen.length === 4) break;
      }
    })();
    await subscribed(m, c);
    const one = frame({ type: "OFFERS", offers: { offers: [offer("o-1", "a-1", { cpus: 1, mem: 128 })] } });
    // Split inside the length prefix and inside the JSON, with pauses so they arrive as separate chunks.
    for (const piece of [one.subarray(0, 1), one.subarray(1, 9), one.subarray(9)]) {
      m.sendRaw(piece);
      await new Promise((r) => setTimeout(r, 20));
    }
    m.sendRaw(Buffer.concat([frame({ type: "HEARTBEAT" }), frame({ type: "RESCIND", rescind: { offer_id: { value: "o-1" } } })]));
    await iterating;
    expect(seen.map((e) => e.type)).toEqual(["SUBSCRIBED", "OFFERS", "HEARTBEAT", "RESCIND"]);
    expect(offers).toHaveLength(1);
    expect(offers[0]![0]!.id.value).toBe("o-1");
  });

  it("skips events it cannot read (a newer type, a malformed body) and keeps the stream", async () => {
    const m = await master();
    const c = client({ master: m.url });
    const messages: string[] = [];
    c.on("message", (msg) => messages.push(msg.data.toString("utf8")));
    await subscribed(m, c);
    m.send({ type: "SOMETHING_NEW", something_new: {} });
    m.send({ type: "UPDATE", update: { status: { state: "TASK_RUNNING" } } });
    m.send({ type: "MESSAGE", message: { agent_id: { value: "a" }, executor_id: { value: "e" }, data: Buffer.from("hi there").toString("base64") } });
    await until(() => messages.length === 1, "the message");
    expect(messages).toEqual(["hi there"]);
    expect(m.callsOf("SUBSCRIBE")).toHaveLength(1);
  });

  it("acknowledges updates that carry a uuid, after the update callback ran", async () => {
    const m = await master();
    const c = client({ master: m.url });
    const order: string[] = [];
    c.on("update", (s: TaskStatus) => order.push(`update ${s.state} acks=${m.callsOf("ACKNOWLEDGE").length}`));
    await subscribed(m, c);
    m.send({ type: "UPDATE", update: { status: { task_id: { value: "t-1" }, state: "TASK_RUNNING", agent_id: { value: "a-1" }, uuid: "dXVpZC0x" } } });
    // No uuid: an answer to reconciliation, never acknowledged.
    m.send({ type: "UPDATE", update: { status: { task_id: { value: "t-2" }, state: "TASK_LOST", agent_id: { value: "a-1" } } } });
    m.send({ type: "UPDATE", update: { status: { task_id: { value: "t-1" }, state: "TASK_FINISHED", agent_id: { value: "a-1" }, uuid: "dXVpZC0y" } } });
    await m.waitFor("ACKNOWLEDGE", 2);
    await new Promise((r) => setTimeout(r, 50));
    expect(m.callsOf("ACKNOWLEDGE").map((a) => a.body.acknowledge)).toEqual([
      { agent_id: { value: "a-1" }, task_id: { value: "t-1" }, uuid: "dXVpZC0x" },
      { agent_id: { value: "a-1" }, task_id: { value: "t-1" }, uuid: "dXVpZC0y" },
    ]);
    expect(order[0]).toBe("update TASK_RUNNING acks=0");
    expect(m.callsOf("ACKNOWLEDGE").every((a) => a.streamId === "stream-1")).toBe(true);
  });

  it("leaves acknowledgement to the framework when autoAcknowledge is off", async () => {
    const m = await master();
    const c = client({ master: m.url, autoAcknowledge: false });
    const updates: TaskStatus[] = [];
    c.on("update", (s) => updates.push(s));
    await subscribed(m, c);
    m.send({ type: "UPDATE", update: { status: { task_id: { value: "t-1" }, state: "TASK_RUNNING", agent_id: { value: "a-1" }, uuid: "dXVpZA==" } } });
    await until(() => updates.length === 1, "the update");
    await new Promise((r) => setTimeout(r, 50));
    expect(m.callsOf("ACKNOWLEDGE")).toHaveLength(0);
    await c.acknowledge(updates[0]!);
    expect(m.callsOf("ACKNOWLEDGE")).toHaveLength(1);
  });

  it("follows a 307 to the leader and sends later calls there", async () => {
    const leader = await master();
    const follower = await master();
    follower.redirectTo = `//127.0.0.1:${new URL(leader.url).port}/api/v1/scheduler`;
    const c = client({ master: follower.url });
    await subscribed(leader, c);
    expect(c.leaderUrl).toBe(`${leader.url}/api/v1/scheduler`);
    await c.revive();
    expect(leader.callsOf("REVIVE")).toHaveLength(1);
    expect(follower.calls).toHaveLength(0);
  });

  it("re-subscribes with the same framework id when the stream breaks", async () => {
    const m = await master();
    const c = client({ master: m.url });
    const reasons: Error[] = [];
    c.on("disconnected", (e) => reasons.push(e));
    await subscribed(m, c, "fw-7");
    m.dropStream();
    await m.waitFor("SUBSCRIBE", 2);
    const again = m.callsOf("SUBSCRIBE")[1]!.body as unknown as { framework_id: { value: string }; subscribe: { framework_info: { id: { value: string } } } };
    expect(again.framework_id.value).toBe("fw-7");
    expect(again.subscribe.framework_info.id.value).toBe("fw-7");
    expect(reasons).toHaveLength(1);
    m.send(subscribedEvent("fw-7"));
    await until(() => c.streamId === "stream-2", "the new stream id");
    await c.suppress();
    expect(m.callsOf("SUPPRESS")[0]!.streamId).toBe("stream-2");
  });

  it("treats a stream without heartbeats as dead and re-subscribes", async () => {
    const m = await master();
    const c = client({ master: m.url, missedHeartbeats: 2 });
    const reasons: Error[] = [];
    c.on("disconnected", (e) => reasons.push(e));
    const done = c.subscribe();
    await m.waitFor("SUBSCRIBE");
    m.send(subscribedEvent("fw-1", 0.05));
    await done;
    await m.waitFor("SUBSCRIBE", 2);
    expect(reasons[0]).toBeInstanceOf(HeartbeatLostError);
  });

  it("keeps a stream alive while heartbeats arrive", async () => {
    const m = await master();
    const c = client({ master: m.url, missedHeartbeats: 2 });
    let beats = 0;
    c.on("heartbeat", () => beats++);
    const done = c.subscribe();
    await m.waitFor("SUBSCRIBE");
    m.send(subscribedEvent("fw-1", 0.25)); // dead after 500 ms of silence
    await done;
    // 12 beats 80 ms apart: about twice the silence that would count as dead.
    for (let i = 0; i < 12; i++) {
      await new Promise((r) => setTimeout(r, 80));
      m.send({ type: "HEARTBEAT" });
    }
    await until(() => beats === 12, "all heartbeats");
    expect(m.callsOf("SUBSCRIBE")).toHaveLength(1);
  });

  it("stops for good when the master sends ERROR", async () => {
    const m = await master();
    const c = client({ master: m.url });
    const errors: string[] = [];
    let closed = false;
    c.on("error", (msg) => errors.push(msg));
    c.on("closed", () => (closed = true));
    await subscribed(m, c);
    m.send({ type: "ERROR", error: { message: "Framework has been removed" } });
    await until(() => closed, "the client to close");
    await new Promise((r) => setTimeout(r, 50));
    expect(errors).toEqual(["Framework has been removed"]);
    expect(m.callsOf("SUBSCRIBE")).toHaveLength(1);
  });

  it("teardown() ends the framework without counting the closed stream as a disconnect", async () => {
    const m = await master();
    const c = client({ master: m.url });
    const disconnects: Error[] = [];
    let closed = 0;
    c.on("disconnected", (e) => disconnects.push(e));
    c.on("closed", () => closed++);
    await subscribed(m, c);
    await c.teardown();
    await new Promise((r) => setTimeout(r, 100));
    expect(m.callsOf("TEARDOWN")).toHaveLength(1);
    expect(disconnects).toEqual([]);
    expect(closed).toBe(1);
    expect(m.callsOf("SUBSCRIBE")).toHaveLength(1);
  });

  it("launch() accepts the offer with a LAUNCH operation on the offer's agent", async () => {
    const m = await master();
    const c = client({ master: m.url });
    await subscribed(m, c);
    const o = offer("o-9", "agent-3", { cpus: 2, mem: 256 }) as Offer;
    await c.launch(o, [{ name: "t", task_id: { value: "t-1" }, resources: o.resources, command: { value: "true" } }], { refuse_seconds: 5 });
    expect(m.callsOf("ACCEPT")[0]!.body).toMatchObject({
      accept: {
        offer_ids: [{ value: "o-9" }],
        operations: [{ type: "LAUNCH", launch: { task_infos: [{ task_id: { value: "t-1" }, agent_id: { value: "agent-3" } }] } }],
        filters: { refuse_seconds: 5 },
      },
    });
  });

  it("names the call and the master's reason when a call is refused", async () => {
    const m = await master();
    const c = client({ master: m.url });
    await subscribed(m, c);
    m.failCallsWith = { status: 400, body: "Failed to validate scheduler::Call: Expecting 'kill' to be present" };
    const err = await c.kill("t-1").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MesosCallError);
    expect((err as Error).message).toMatch(/^KILL: .* answered 400: Failed to validate scheduler::Call/);
  });

  it("rejects subscribe() when the first attempt fails, naming the master", async () => {
    const m = await master();
    const url = m.url;
    await m.stop();
    cleanup.pop();
    const c = client({ master: url });
    await expect(c.subscribe()).rejects.toThrow(/ECONNREFUSED|connect/);
    expect(c.closed).toBe(true);
  });

  it("refuses a master that is not a URL, saying which option", () => {
    expect(() => new SchedulerClient({ master: "localhost:5050x", framework })).toThrow(/master: "localhost:5050x" must be http/);
    expect(() => new SchedulerClient({ master: ["http://a:1", "::"], framework })).toThrow(/master\[1\]: "::" is not a URL/);
  });
});
