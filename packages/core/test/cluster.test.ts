// Issue 3's proof: a real master and two real agents, each its own OS process on loopback,
// driven through the Mesos v1 scheduler API exactly as Mesos clients call it.
import { readdirSync, readFileSync } from "node:fs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startCluster, type Cluster } from "./cluster.js";
import { eventually } from "./support/eventually.js";
import { postScheduler, scalar, scalarIn, taskInfo, V1Framework, type Json } from "./v1-framework.js";

const RETRY_MS = 300;
let cluster: Cluster;
const frameworks: V1Framework[] = [];

beforeAll(async () => {
  cluster = await startCluster({
    agents: 2,
    agentResources: "cpus:2;mem:1024;disk:1024;ports:[31000-31099]",
    master: { "allocation-interval-ms": 100, "status-retry-min-ms": RETRY_MS, "status-retry-max-ms": RETRY_MS * 2 },
    agent: { "status-retry-min-ms": RETRY_MS, "status-retry-max-ms": RETRY_MS * 2 },
  });
}, 90_000);

// A failed test must not leave its frameworks holding the cluster for the next one.
afterEach(async () => {
  for (const fw of frameworks.splice(0)) await fw.teardown();
});

afterAll(async () => {
  await cluster?.stop();
}, 30_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function subscribe(name: string, info: Json = {}): Promise<V1Framework> {
  const fw = await V1Framework.subscribe(cluster.master.url, { user: "", name, ...info });
  frameworks.push(fw);
  return fw;
}

/** Tears down and forgets a framework so later tests get the cluster to themselves. */
async function done(fw: V1Framework): Promise<void> {
  expect(fw.backgroundErrors).toEqual([]);
  await fw.teardown();
  frameworks.splice(frameworks.indexOf(fw), 1);
}

function agentUrl(agentId: string): string {
  const a = cluster.agents.find((n) => n.agentId === agentId);
  if (!a) throw new Error(`no agent process with id ${agentId}`);
  return a.url;
}

/** Reads a sandbox file through the agent's /files/read, waiting until `ready` says it is complete. */
async function sandboxFile(agentId: string, taskId: string, file: string, ready: (text: string) => boolean): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const r = await fetch(`${agentUrl(agentId)}/files/read?path=${encodeURIComponent(`/tasks/${taskId}/${file}`)}&offset=0`);
    if (r.status === 200) {
      const { data } = (await r.json()) as { data: string };
      if (ready(data)) return data;
    }
    await sleep(50);
  }
  throw new Error(`${file} of task ${taskId} never became ready`);
}

/** Offers until one from each agent was seen (declining none: they stay outstanding). */
async function offersFromEveryAgent(fw: V1Framework): Promise<Map<string, Json>> {
  const byAgent = new Map<string, Json>();
  while (byAgent.size < cluster.agents.length) {
    for (const o of await fw.nextOffers()) byAgent.set(o.agent_id.value, o);
  }
  return byAgent;
}

/** Pids of live (not zombie) processes in a process group, from /proc. */
function liveMembers(pgid: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // exited while we looked
    }
    // Fields after the parenthesised command name: state, ppid, pgrp, ...
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(pgrp) === pgid && state !== "Z") pids.push(Number(entry));
  }
  return pids;
}

function groupExists(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ESRCH") return false;
    throw e;
  }
}

async function frameworkState(fw: V1Framework): Promise<Json> {
  const state = (await (await fetch(`${cluster.master.url}/master/state`)).json()) as Json;
  const f = (state.frameworks as Json[]).find((x) => x.id === fw.frameworkId);
  if (!f) throw new Error(`framework ${fw.frameworkId} is not in /master/state`);
  return f;
}

const TERMINAL = ["TASK_FINISHED", "TASK_FAILED", "TASK_KILLED", "TASK_ERROR", "TASK_LOST", "TASK_DROPPED"];

describe("a master and two agents in separate processes", () => {
  it("runs tasks launched through the v1 API on both agents: STARTING, RUNNING, then FINISHED", async () => {
    const fw = await subscribe("it-launch");
    const offers = await offersFromEveryAgent(fw);
    expect([...offers.keys()].sort()).toEqual(cluster.agents.map((a) => a.agentId).sort());
    for (const [agentId, offer] of offers) {
      expect(scalarIn(offer.resources, "cpus")).toBe(2);
      await fw.launch(offer, [taskInfo(`hello-${agentId}`, offer, `echo hello from $MESOS_TASK_ID`)]);
    }
    for (const agentId of offers.keys()) {
      const taskId = `hello-${agentId}`;
      const final = await fw.nextUpdate(taskId, TERMINAL);
      expect(final.state).toBe("TASK_FINISHED");
      expect(final.agent_id.value).toBe(agentId);
      // At least once: under load an update may come again before our ACK lands; it has the same uuid.
      expect(fw.distinctUpdatesOf(taskId).map((s) => s.state)).toEqual(["TASK_STARTING", "TASK_RUNNING", "TASK_FINISHED"]);
      expect(await sandboxFile(agentId, taskId, "stdout", (t) => t.endsWith("\n"))).toBe(`hello from ${taskId}\n`);
    }
    await done(fw);
  });

  it("kills a task: TASK_KILLED, and every process of its group is gone", async () => {
    const fw = await subscribe("it-kill");
    const [offer] = await fw.nextOffers();
    // The task reports its process group, then leaves a background child in it.
    const cmd = "echo pgid=$(cut -d' ' -f5 /proc/$$/stat); sleep 600 & sleep 600";
    await fw.launch(offer!, [taskInfo("victim", offer!, cmd)]);
    await fw.nextUpdate("victim", ["TASK_RUNNING"]);
    const out = await sandboxFile(offer!.agent_id.value, "victim", "stdout", (t) => /pgid=\d+\n/.test(t));
    const pgid = Number(/pgid=(\d+)/.exec(out)![1]);
    expect(pgid).toBeGreaterThan(1);
    expect(liveMembers(pgid).length).toBeGreaterThanOrEqual(2);

    await fw.must({ type: "KILL", kill: { task_id: { value: "victim" }, agent_id: offer!.agent_id } });
    const final = await fw.nextUpdate("victim", TERMINAL);
    expect(final.state).toBe("TASK_KILLED");
    expect(liveMembers(pgid)).toEqual([]);
    // Zombies are reaped by init a moment later; then the group does not exist at all.
    await eventually(`process group ${pgid} to end`, () => !groupExists(pgid), { timeoutMs: 5000, intervalMs: 20 });
    await done(fw);
  });

  it("reports a failing command as TASK_FAILED with its exit code in the message", async () => {
    const fw = await subscribe("it-fail");
    const [offer] = await fw.nextOffers();
    await fw.launch(offer!, [taskInfo("fails", offer!, "echo about to fail >&2; exit 7")]);
    const final = await fw.nextUpdate("fails", TERMINAL);
    expect(final.state).toBe("TASK_FAILED");
    expect(final.message).toMatch(/\b7\b/);
    expect(final.message).toMatch(/exit/i);
    expect(await sandboxFile(offer!.agent_id.value, "fails", "stderr", (t) => t.endsWith("\n"))).toBe("about to fail\n");
    await done(fw);
  });

  it("shares the cluster by DRF: two frameworks that keep launching end up with close dominant shares", async () => {
    // Each task takes 0.25 of 4 cpus and 32 of 2048 MB: cpus dominate, the cluster holds 16.
    const cpusPerTask = 0.25;
    const fws = [await subscribe("it-drf-a"), await subscribe("it-drf-b")];
    const launched = new Map<V1Framework, number>(fws.map((f) => [f, 0]));
    let total = 0;
    let seq = 0;
    const failures: string[] = [];
    for (const fw of fws) {
      fw.handle((ev) => {
        if (ev.type !== "OFFERS") return;
        for (const offer of ev.offers.offers as Json[]) {
          // One task per offer, the rest back at once: the allocator decides who gets the next one.
          const fits = scalarIn(offer.resources, "cpus") >= cpusPerTask && scalarIn(offer.resources, "mem") >= 32;
          const call = fits
            ? fw.launch(offer, [taskInfo(`drf-${seq++}`, offer, "sleep 600", cpusPerTask, 32)], { refuse_seconds: 0 })
            : fw.decline([offer], 0);
          if (fits) {
            launched.set(fw, launched.get(fw)! + 1);
            total++;
          }
          call.catch((e: unknown) => failures.push(String(e)));
        }
      });
    }
    await eventually(() => `16 tasks to launch (${total} so far)`, () => total >= 16, { timeoutMs: 30_000, intervalMs: 20 });
    await sleep(300); // a few more cycles: nothing more may fit
    expect(failures).toEqual([]);
    expect(total).toBe(16);
    const shares: number[] = [];
    for (const fw of fws) {
      const f = await frameworkState(fw);
      shares.push(Math.max(f.used_resources.cpus / 4, f.used_resources.mem / 2048));
    }
    // Counted by the master, not by us: each holds about half. With two agents each framework may
    // hold an offer in flight while the other is offered the next agent, so they can end two tasks apart.
    expect(shares.map((s) => s * 4).reduce((a, b) => a + b)).toBeCloseTo(16 * cpusPerTask, 5);
    expect(Math.abs(shares[0]! - shares[1]!)).toBeLessThanOrEqual((2 * cpusPerTask) / 4 + 1e-9);
    expect(launched.get(fws[0]!)! + launched.get(fws[1]!)!).toBe(16);
    for (const fw of fws) await done(fw);
  });

  it("filters a declined agent for refuse_seconds, then offers it again", async () => {
    const fw = await subscribe("it-refuse");
    const offers = await offersFromEveryAgent(fw);
    const [refused, other] = [...offers.keys()];
    const declinedAt = Date.now();
    await fw.decline([offers.get(refused!)!], 2);
    fw.skipReceived();
    // The other agent, declined with no filter, keeps coming back: the allocator is running.
    let otherOffers = 0;
    let firstBack: number | undefined;
    fw.handle((ev) => {
      if (ev.type !== "OFFERS") return;
      for (const o of ev.offers.offers as Json[]) {
        if (o.agent_id.value === refused && firstBack === undefined) firstBack = Date.now();
        if (o.agent_id.value === other) otherOffers++;
        void fw.decline([o], 0).catch((e: unknown) => fw.backgroundErrors.push(String(e)));
      }
    });
    await fw.decline([offers.get(other!)!], 0);
    await eventually("the declined agent to be offered again", () => firstBack !== undefined, { timeoutMs: 10_000, intervalMs: 20 });
    const gap = firstBack! - declinedAt;
    expect(gap).toBeGreaterThanOrEqual(1900);
    expect(gap).toBeLessThan(2000 + 3000);
    expect(otherOffers).toBeGreaterThanOrEqual(3);
    await done(fw);
  });

  it("answers explicit and implicit reconciliation with the tasks' current states", async () => {
    const fw = await subscribe("it-reconcile");
    const [offer] = await fw.nextOffers();
    const agentId = offer!.agent_id;
    await fw.launch(offer!, [taskInfo("steady", offer!, "sleep 600"), taskInfo("brief", offer!, "true")]);
    await fw.nextUpdate("steady", ["TASK_RUNNING"]);
    await fw.nextUpdate("brief", ["TASK_FINISHED"]);
    await fw.acksSettled(); // the master has the ACK of brief's TASK_FINISHED: it no longer tracks brief
    fw.skipReceived();

    await fw.must({
      type: "RECONCILE",
      reconcile: { tasks: [{ task_id: { value: "steady" }, agent_id: agentId }, { task_id: { value: "never-launched" }, agent_id: agentId }] },
    });
    const steady = await fw.nextUpdate("steady", undefined, 5000);
    expect(steady).toMatchObject({ state: "TASK_RUNNING", reason: "REASON_RECONCILIATION", agent_id: agentId });
    expect(steady.uuid).toBeUndefined(); // reconciliation answers are not acknowledged
    const unknown = await fw.nextUpdate("never-launched", undefined, 5000);
    expect(unknown).toMatchObject({ state: "TASK_LOST", reason: "REASON_RECONCILIATION" });

    fw.skipReceived();
    await fw.must({ type: "RECONCILE", reconcile: { tasks: [] } });
    const implicit = await fw.nextUpdate("steady", undefined, 5000);
    expect(implicit).toMatchObject({ state: "TASK_RUNNING", reason: "REASON_RECONCILIATION" });
    await sleep(300);
    // Implicit reconciliation covers the tasks the master still tracks: the acknowledged, finished one is not among them.
    expect(fw.events.filter((e) => e.type === "UPDATE" && e.update.status.reason === "REASON_RECONCILIATION").map((e) => e.update.status.task_id.value)).toEqual([
      "steady",
      "never-launched",
      "steady",
    ]);

    // After a kill, reconciliation reports the new state (while unacknowledged the master still tracks the task).
    fw.autoAck = false;
    await fw.must({ type: "KILL", kill: { task_id: { value: "steady" } } });
    const killed = await fw.nextUpdate("steady", ["TASK_KILLED"]);
    await fw.must({ type: "RECONCILE", reconcile: { tasks: [{ task_id: { value: "steady" } }] } });
    const after = await fw.next((e) => e.type === "UPDATE" && e.update.status.reason === "REASON_RECONCILIATION", 5000);
    expect(after.update.status).toMatchObject({ task_id: { value: "steady" }, state: "TASK_KILLED" });
    await fw.acknowledge(killed);
    fw.autoAck = true;
    await done(fw);
  });

  it("re-sends a status update until the framework acknowledges it, then stops", async () => {
    const fw = await subscribe("it-ack");
    fw.autoAck = false;
    const [offer] = await fw.nextOffers();
    await fw.launch(offer!, [taskInfo("unacked", offer!, "sleep 600")]);
    const first = await fw.nextUpdate("unacked", ["TASK_STARTING"]);
    expect(first.uuid).toEqual(expect.any(String));
    // Nothing acknowledged: the same update (same uuid) comes again, and nothing newer overtakes it.
    const again = await fw.nextUpdate("unacked", undefined, RETRY_MS * 10);
    expect(again).toEqual(first); // a re-send of the very same status, uuid and all

    await fw.acknowledge(first);
    const running = await fw.nextUpdate("unacked", ["TASK_RUNNING"], RETRY_MS * 10);
    const copiesAtAck = fw.updatesOf("unacked").filter((s) => s.uuid === first.uuid).length;
    await fw.acknowledge(running);
    await sleep(RETRY_MS * 5);
    expect(fw.updatesOf("unacked").filter((s) => s.uuid === first.uuid).length).toBe(copiesAtAck);
    expect(fw.updatesOf("unacked").filter((s) => s.uuid === running.uuid)).toHaveLength(1);
    fw.autoAck = true;
    await done(fw);
  });

  it("answers malformed calls with 400 naming what is wrong, and keeps serving", async () => {
    const good = await subscribe("it-good");
    const fid = { value: good.frameworkId };
    const launch = (task: Json) => ({ framework_id: fid, type: "ACCEPT", accept: { offer_ids: [{ value: "o-1" }], operations: [{ type: "LAUNCH", launch: { task_infos: [task] } }] } });
    const task = { name: "t", task_id: { value: "t" }, agent_id: { value: "a" }, command: { value: "true" } };
    // [what, raw body, what the error must name]
    const malformed: Array<[string, string | Json | unknown[], RegExp]> = [
      ["truncated JSON", '{"type": "SUBSCRIBE", "subscribe": {', /JSON/i],
      ["a JSON array", [], /object/i],
      ["a JSON string", "\"SUBSCRIBE\"", /object/i],
      ["no type", { subscribe: { framework_info: { user: "", name: "x" } } }, /type/],
      ["type of the wrong JSON type", { type: 7 }, /type/],
      ["an unknown call type", { type: "TELEPORT", framework_id: fid }, /type/],
      ["SUBSCRIBE without its body", { type: "SUBSCRIBE" }, /subscribe/],
      ["SUBSCRIBE without framework_info.name", { type: "SUBSCRIBE", subscribe: { framework_info: { user: "" } } }, /framework_info\.name/],
      ["framework_info.name a number", { type: "SUBSCRIBE", subscribe: { framework_info: { user: "", name: 42 } } }, /framework_info\.name/],
      ["failover_timeout a string", { type: "SUBSCRIBE", subscribe: { framework_info: { user: "", name: "x", failover_timeout: "a week" } } }, /failover_timeout/],
      ["capabilities not a list", { type: "SUBSCRIBE", subscribe: { framework_info: { user: "", name: "x", capabilities: "MULTI_ROLE" } } }, /capabilities/],
      ["a role that is not a valid name", { type: "SUBSCRIBE", subscribe: { framework_info: { user: "", name: "x", roles: ["../etc"], capabilities: [{ type: "MULTI_ROLE" }] } } }, /roles\[0\]/],
      ["ACCEPT without framework_id", { type: "ACCEPT", accept: { offer_ids: [] } }, /framework_id/],
      ["framework_id.value a number", { type: "DECLINE", framework_id: { value: 7 }, decline: { offer_ids: [] } }, /framework_id\.value/],
      ["ACCEPT without its body", { type: "ACCEPT", framework_id: fid }, /accept/],
      ["offer_ids not a list", { type: "ACCEPT", framework_id: fid, accept: { offer_ids: "o-1", operations: [] } }, /accept\.offer_ids/],
      ["an unknown operation type", { type: "ACCEPT", framework_id: fid, accept: { offer_ids: [], operations: [{ type: "DEFRAGMENT" }] } }, /operations\[0\]\.type/],
      ["a task without task_id", launch({ ...task, task_id: undefined }), /task_infos\[0\]\.task_id/],
      ["a task with neither command nor executor", launch({ ...task, command: undefined }), /task_infos\[0\]/],
      ["a negative cpus scalar", launch({ ...task, resources: [scalar("cpus", -1)] }), /task_infos\[0\]\.resources\[0\]/],
      ["an empty ports range", launch({ ...task, resources: [{ name: "ports", type: "RANGES", ranges: { range: [{ begin: 31000, end: 30000 }] } }] }), /resources\[0\]/],
      ["a task id with a slash", launch({ ...task, task_id: { value: "a/b" } }), /task_id\.value/],
      ["refuse_seconds a string", { type: "DECLINE", framework_id: fid, decline: { offer_ids: [], filters: { refuse_seconds: "soon" } } }, /refuse_seconds/],
      ["KILL without task_id", { type: "KILL", framework_id: fid, kill: { agent_id: { value: "a" } } }, /kill\.task_id/],
      ["ACKNOWLEDGE with a uuid that is not base64", { type: "ACKNOWLEDGE", framework_id: fid, acknowledge: { agent_id: { value: "a" }, task_id: { value: "t" }, uuid: "not base64!" } }, /acknowledge\.uuid/],
      ["ACKNOWLEDGE with a uuid of 3 bytes", { type: "ACKNOWLEDGE", framework_id: fid, acknowledge: { agent_id: { value: "a" }, task_id: { value: "t" }, uuid: "AAAA" } }, /acknowledge\.uuid/],
      ["RECONCILE with task_id a string", { type: "RECONCILE", framework_id: fid, reconcile: { tasks: [{ task_id: "t" }] } }, /reconcile\.tasks\[0\]\.task_id/],
      ["MESSAGE data not base64", { type: "MESSAGE", framework_id: fid, message: { agent_id: { value: "a" }, executor_id: { value: "e" }, data: "%%%" } }, /message\.data/],
      ["SUPPRESS roles not strings", { type: "SUPPRESS", framework_id: fid, suppress: { roles: [1] } }, /suppress\.roles\[0\]/],
      ["REVIVE of a role the framework does not have", { type: "REVIVE", framework_id: fid, revive: { roles: ["not-mine"] } }, /revive\.roles\[0\]/],
    ];
    const answers = [];
    for (const [what, body, names] of malformed) {
      const text = typeof body === "string" ? body : JSON.stringify(body);
      const r = await postScheduler(cluster.master.url, text, { "mesos-stream-id": good.streamId });
      answers.push({ what, status: r.status, named: names.test(r.text), text: r.text });
    }
    expect(answers.filter((a) => a.status !== 400 || !a.named)).toEqual([]);
    expect(new Set(malformed.map(([what]) => what)).size).toBeGreaterThanOrEqual(20);

    // A call without the stream header is refused too, and the master is still healthy.
    expect((await postScheduler(cluster.master.url, JSON.stringify({ type: "REVIVE", framework_id: fid }))).status).toBe(400);
    const health = await fetch(`${cluster.master.url}/health`);
    expect(health.status).toBe(200);
    // ... and the good framework still runs a task to the end.
    const [offer] = await good.nextOffers();
    await good.launch(offer!, [taskInfo("after-the-storm", offer!, "true")]);
    expect((await good.nextUpdate("after-the-storm", TERMINAL)).state).toBe("TASK_FINISHED");
    await done(good);
  });
});
