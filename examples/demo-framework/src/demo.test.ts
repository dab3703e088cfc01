import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
// The SDK's fake master is a test fixture, not part of its public API.
import { FakeMaster, offer, subscribedEvent } from "../../../packages/sdk/src/__fixtures__/fake-master.js";
import type { TaskInfo } from "@tessera/sdk";
import { runDemo, type DemoHandle } from "./demo.js";

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function start(): Promise<{ m: FakeMaster; demo: DemoHandle; output: () => string }> {
  const m = await new FakeMaster().start();
  const out = new PassThrough();
  let text = "";
  out.on("data", (c: Buffer) => (text += c.toString()));
  const demo = runDemo({ master: m.url, out });
  cleanup.push(() => m.stop(), () => demo.stop());
  await m.waitFor("SUBSCRIBE");
  m.send(subscribedEvent("fw-demo"));
  return { m, demo, output: () => text };
}

const launchedIn = (m: FakeMaster): TaskInfo[] =>
  m.callsOf("ACCEPT").flatMap((c) => (c.body as unknown as { accept: { operations: { launch: { task_infos: TaskInfo[] } }[] } }).accept.operations[0]!.launch.task_infos);

describe("demo framework", () => {
  it("spreads six tasks over the agents offered, reports every state, and idles once all finished", async () => {
    const { m, demo, output } = await start();
    m.send({ type: "OFFERS", offers: { offers: [offer("o-1", "a-1", { cpus: 1, mem: 512 }), offer("o-2", "a-2", { cpus: 1, mem: 512 })] } });
    await m.waitFor("ACCEPT", 2);
    const tasks = launchedIn(m);
    expect(tasks).toHaveLength(6);
    expect(tasks.filter((t) => t.agent_id.value === "a-1")).toHaveLength(3);
    expect(tasks.filter((t) => t.agent_id.value === "a-2")).toHaveLength(3);

    for (const state of ["TASK_RUNNING", "TASK_FINISHED"]) {
      for (const [i, t] of tasks.entries()) {
        m.send({ type: "UPDATE", update: { status: { task_id: t.task_id, agent_id: t.agent_id, state, uuid: Buffer.from(`${state}${i}`).toString("base64") } } });
      }
    }
    const result = await demo.done;
    expect(result.failed).toEqual([]);
    expect(result.final.size).toBe(6);
    expect(output().match(/TASK_FINISHED/g)).toHaveLength(6);
    expect(output()).toContain("all 6 tasks finished");
    await m.waitFor("ACKNOWLEDGE", 12);
    await m.waitFor("SUPPRESS");

    m.send({ type: "OFFERS", offers: { offers: [offer("o-3", "a-1", { cpus: 1, mem: 512 })] } });
    await m.waitFor("DECLINE");
    expect(m.callsOf("DECLINE")[0]!.body).toMatchObject({ decline: { offer_ids: [{ value: "o-3" }], filters: { refuse_seconds: 3600 } } });
    expect(launchedIn(m)).toHaveLength(6);
  });

  it("launches only what fits and keeps the rest for later offers", async () => {
    const { m } = await start();
    m.send({ type: "OFFERS", offers: { offers: [offer("o-1", "a-1", { cpus: 0.25, mem: 512 })] } });
    await m.waitFor("ACCEPT");
    expect(launchedIn(m)).toHaveLength(2);
    m.send({ type: "OFFERS", offers: { offers: [offer("o-2", "a-1", { cpus: 0.05, mem: 512 })] } });
    await m.waitFor("DECLINE");
    expect(m.callsOf("DECLINE")[0]!.body).toMatchObject({ decline: { filters: { refuse_seconds: 1 } } });
    m.send({ type: "OFFERS", offers: { offers: [offer("o-3", "a-2", { cpus: 4, mem: 4096 })] } });
    await m.waitFor("ACCEPT", 2);
    expect(launchedIn(m)).toHaveLength(6);
  });

  it("counts a task that failed as not finished", async () => {
    const { m, demo, output } = await start();
    m.send({ type: "OFFERS", offers: { offers: [offer("o-1", "a-1", { cpus: 1, mem: 512 })] } });
    await m.waitFor("ACCEPT");
    const tasks = launchedIn(m);
    tasks.forEach((t, i) =>
      m.send({ type: "UPDATE", update: { status: { task_id: t.task_id, agent_id: t.agent_id, state: i === 2 ? "TASK_FAILED" : "TASK_FINISHED", message: i === 2 ? "Command exited with status 1" : undefined } } }),
    );
    const result = await demo.done;
    expect(result.failed.map((s) => s.task_id.value)).toEqual([tasks[2]!.task_id.value]);
    expect(output()).toContain("5 of 6 tasks finished, 1 did not");
  });
});
