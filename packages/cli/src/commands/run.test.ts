import { afterEach, describe, expect, it } from "vitest";
// The SDK's fake master is a test fixture, not part of its public API.
import { FakeMaster, offer, subscribedEvent } from "../../../sdk/src/__fixtures__/fake-master.js";
import type { TaskInfo } from "@tessera/sdk";
import { argv, captureIo } from "../__fixtures__/io.js";
import { jsonServer } from "../__fixtures__/json-server.js";
import { main } from "../program.js";

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** A fake agent with one sandbox (at Mesos' virtual path) whose files the test writes to. */
async function fakeAgent(files: Record<string, string>) {
  let frameworkId = "";
  let taskId = "";
  const agent = await jsonServer({
    "/state": () => ({ frameworks: [{ id: frameworkId, executors: [{ id: taskId, tasks: [{ id: taskId }] }] }] }),
    "/files/read": (q) => {
      const file = files[q.get("path")!.replace(`/frameworks/${frameworkId}/executors/${taskId}/runs/latest/`, "")];
      if (file === undefined) return undefined;
      const content = Buffer.from(file);
      const offset = Number(q.get("offset"));
      return { offset, data: content.subarray(offset, offset + Number(q.get("length"))).toString() };
    },
  });
  cleanup.push(agent.close);
  return { url: agent.url, place: (fid: string, tid: string) => ((frameworkId = fid), (taskId = tid)) };
}

async function setup(...args: string[]) {
  const m = await new FakeMaster().start();
  cleanup.push(() => m.stop());
  const files: Record<string, string> = {};
  const agent = await fakeAgent(files);
  const c = captureIo();
  const exit = main(argv("--master", m.url, "run", ...args), c.io);
  await m.waitFor("SUBSCRIBE");
  m.send(subscribedEvent("fw-run"));
  const port = Number(new URL(agent.url).port);
  const agentOffer = (id: string, cpus: number) => ({ ...(offer(id, "a-1", { cpus, mem: 256 }) as object), url: { scheme: "http", address: { hostname: "127.0.0.1", port } } });
  return { m, files, agent, c, exit, agentOffer };
}

function launched(m: FakeMaster): TaskInfo {
  const body = m.callsOf("ACCEPT")[0]!.body as unknown as { accept: { operations: { launch: { task_infos: TaskInfo[] } }[] } };
  return body.accept.operations[0]!.launch.task_infos[0]!;
}

const status = (t: TaskInfo, state: string, message?: string) => ({
  type: "UPDATE",
  update: { status: { task_id: t.task_id, agent_id: t.agent_id, state, ...(message && { message }), uuid: Buffer.from(state).toString("base64") } },
});

describe("tessera run", () => {
  it("declines offers too small, launches on one that fits, streams the output and exits 0", async () => {
    const { m, files, agent, c, exit, agentOffer } = await setup("--cpus", "0.5", "--mem", "64", "--", "echo", "hello world");
    m.send({ type: "OFFERS", offers: { offers: [agentOffer("small", 0.2)] } });
    await m.waitFor("DECLINE");
    m.send({ type: "OFFERS", offers: { offers: [agentOffer("big", 2)] } });
    await m.waitFor("ACCEPT");
    const task = launched(m);
    expect(task.command).toEqual({ shell: true, value: "echo 'hello world'" });
    expect(task.resources?.find((r) => r.name === "cpus")?.scalar?.value).toBe(0.5);
    expect(task.resources?.find((r) => r.name === "mem")?.scalar?.value).toBe(64);
    await m.waitFor("SUPPRESS");

    agent.place("fw-run", task.task_id.value);
    files.stdout = "hello ";
    m.send(status(task, "TASK_RUNNING"));
    await new Promise((r) => setTimeout(r, 300));
    files.stdout = "hello world\n";
    files.stderr = "a warning\n";
    m.send(status(task, "TASK_FINISHED", "Command exited with status 0"));
    expect(await exit).toBe(0);
    expect(c.out()).toBe("hello world\n");
    expect(c.err()).toContain("a warning\n");
    expect(c.err()).toMatch(/TASK_RUNNING\s+tessera-run-/);
    expect(c.err()).toMatch(/TASK_FINISHED\s+tessera-run-/);
    expect(m.callsOf("TEARDOWN")).toHaveLength(1);
  });

  it("exits with the task's exit status when it fails", async () => {
    const { m, exit, agentOffer } = await setup("--", "exit 3");
    m.send({ type: "OFFERS", offers: { offers: [agentOffer("o", 1)] } });
    await m.waitFor("ACCEPT");
    const task = launched(m);
    expect(task.command?.value).toBe("exit 3");
    m.send(status(task, "TASK_FAILED", "Command exited with status 3"));
    expect(await exit).toBe(3);
  });

  it("gives up waiting for an offer on Ctrl-C with exit 130", async () => {
    const { m, c, exit } = await setup("--", "true");
    await new Promise((r) => setTimeout(r, 50));
    c.stop();
    expect(await exit).toBe(130);
    expect(c.err()).toContain("interrupted before the task was launched");
    expect(m.callsOf("ACCEPT")).toHaveLength(0);
  });

  it("kills the task on Ctrl-C and exits 128+signal", async () => {
    const { m, c, exit, agentOffer } = await setup("--", "sleep", "100");
    m.send({ type: "OFFERS", offers: { offers: [agentOffer("o", 1)] } });
    await m.waitFor("ACCEPT");
    const task = launched(m);
    m.send(status(task, "TASK_RUNNING"));
    await new Promise((r) => setTimeout(r, 50));
    c.stop();
    await m.waitFor("KILL");
    expect(m.callsOf("KILL")[0]!.body).toMatchObject({ kill: { task_id: task.task_id } });
    m.send(status(task, "TASK_KILLED", "Command terminated with signal 15"));
    expect(await exit).toBe(143);
  });
});
