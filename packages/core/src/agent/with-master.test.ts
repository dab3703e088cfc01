import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { RecordIODecoder } from "../api/recordio.js";
import { startMaster, type RunningMaster } from "../master/index.js";
import { ProcessContainerizer } from "./containerizer/index.js";
import { startAgent, type AgentHandle } from "./start-agent.js";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The smallest scheduler that can run one command through the v1 scheduler API. */
async function runOneTask(masterUrl: string, cmd: string): Promise<{ states: string[]; final: Json }> {
  const api = new URL("/api/v1/scheduler", masterUrl);
  const res = await request(api, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ type: "SUBSCRIBE", subscribe: { framework_info: { user: "", name: "agent-e2e", roles: ["e2e"], capabilities: [{ type: "MULTI_ROLE" }] } } }),
  });
  expect(res.statusCode).toBe(200);
  const streamId = String(res.headers["mesos-stream-id"]);
  const call = async (body: Json) => {
    const r = await request(api, { method: "POST", headers: { "content-type": "application/json", "mesos-stream-id": streamId }, body: JSON.stringify(body) });
    const text = await r.body.text();
    if (r.statusCode !== 202) throw new Error(`${body.type}: ${r.statusCode} ${text}`);
  };
  const decoder = new RecordIODecoder();
  const states: string[] = [];
  let frameworkId = "";
  let launched = false;
  for await (const chunk of res.body) {
    for (const record of decoder.decode(chunk as Uint8Array)) {
      const ev = JSON.parse(record) as Json;
      if (ev.type === "SUBSCRIBED") frameworkId = ev.subscribed.framework_id.value;
      if (ev.type === "OFFERS" && !launched) {
        const offer = ev.offers.offers[0];
        launched = true;
        await call({
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
                      name: "e2e",
                      task_id: { value: "e2e-1" },
                      agent_id: offer.agent_id,
                      resources: [
                        { name: "cpus", type: "SCALAR", scalar: { value: 0.1 } },
                        { name: "mem", type: "SCALAR", scalar: { value: 32 } },
                      ],
                      command: { value: cmd },
                    },
                  ],
                },
              },
            ],
          },
        });
      }
      if (ev.type === "UPDATE") {
        const s = ev.update.status;
        states.push(s.state);
        if (s.uuid) {
          await call({ type: "ACKNOWLEDGE", framework_id: { value: frameworkId }, acknowledge: { agent_id: s.agent_id, task_id: s.task_id, uuid: s.uuid } });
        }
        if (["TASK_FINISHED", "TASK_FAILED", "TASK_KILLED", "TASK_ERROR", "TASK_LOST"].includes(s.state)) {
          res.body.destroy();
          return { states, final: s };
        }
      }
    }
  }
  throw new Error(`scheduler stream ended; states so far: ${states.join(", ")}`);
}

describe("agent with the real master", () => {
  let dir: string;
  let master: RunningMaster | undefined;
  let agent: AgentHandle | undefined;
  afterEach(async () => {
    await agent?.stop({ killTasks: true });
    await master?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("registers and runs a framework's task to TASK_FINISHED over the internal protocol", async () => {
    dir = await mkdtemp(join(tmpdir(), "agent-e2e-"));
    const silent = pino({ level: process.env.AGENT_TEST_LOG ?? "silent" });
    master = await startMaster({ port: 0, registry: "memory", workDir: join(dir, "master"), allocationIntervalMs: 50, logger: silent });
    agent = await startAgent({
      masterUrl: master.url,
      port: 0,
      workDir: join(dir, "agent"),
      resources: "cpus:1;mem:256;disk:256;ports:[31000-31001]",
      logger: silent,
      parts: { containerizer: new ProcessContainerizer({ pollIntervalMs: 20 }) },
    });
    const { states, final } = await runOneTask(master.url, "echo e2e");
    expect(states).toEqual(["TASK_STARTING", "TASK_RUNNING", "TASK_FINISHED"]);
    expect(final.agent_id.value).toBe(agent.agentId());
    const read = await fetch(`${agent.url}/files/read?path=/tasks/e2e-1/stdout&offset=0`);
    expect(await read.json()).toEqual({ data: "e2e\n", offset: 0 });
  });
});
