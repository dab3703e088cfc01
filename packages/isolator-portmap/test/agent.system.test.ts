// End to end through the master's v1 scheduler API and a real agent that loads this module from
// its modules config: tasks run by the process containerizer inside their port-mapped
// namespaces, reached from a client namespace through the host IP; the agent is SIGKILLed and
// restarted; and nothing is left once the tasks end.
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startMaster, type RunningMaster } from "@tessera/core";
import { binary, checkPrerequisites, eventually, root, sigkill, spawnAgent as spawnTestAgent } from "@tessera/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Testbed } from "../src/__fixtures__/testbed.js";
import { PortFramework } from "./fixtures/framework.js";

const { run } = checkPrerequisites("isolator-portmap: end to end through master and agent", [
  root,
  binary("ip", ["-V"]),
  binary("tc", ["-V"]),
  binary("nsenter", ["--version"]),
  binary("setsid", ["--version"]),
]);

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const AGENT_MAIN = fileURLToPath(new URL("./fixtures/agent-main.ts", import.meta.url));
const NET_TOOL = fileURLToPath(new URL("../src/__fixtures__/net-tool.mjs", import.meta.url));
const serve = (port: number, name: string) => `exec ${process.execPath} ${NET_TOOL} serve ${port} ${name}`;

const spawnAgent = (args: string[]) => spawnTestAgent(AGENT_MAIN, args, ROOT);

const POLL = { timeoutMs: 20_000, intervalMs: 200 };

describe.skipIf(!run)("tasks on an agent with the port mapping isolator loaded from its config", () => {
  let bed: Testbed;
  let master: RunningMaster;
  let agent: ChildProcess | undefined;
  let fw: PortFramework | undefined;
  let agentArgs: string[];
  let agentUrl = "";
  const workDir = mkdtempSync(join(tmpdir(), "tpm-agent-"));
  const reply = async (port: number) => {
    const r = await bed.connectFromClient(port, 2000);
    return r.reply ? (JSON.parse(String(r.reply)) as { name: string }).name : `error ${String(r.error)}`;
  };

  beforeAll(async () => {
    bed = Testbed.create();
    master = await startMaster({ port: 0, registry: "memory", workDir: join(workDir, "master"), allocationIntervalMs: 100, logger: silent() });
    const options = {
      hostNetns: bed.hostNsPath,
      publicInterface: "pub",
      // The agent offers more ports than the isolator manages, to show the refusal below.
      ports: "[31000-31999]",
      ephemeralPorts: "[40960-49151]",
      stateDir: join(workDir, "portmap"),
      namePrefix: bed.prefix,
    };
    const port = 20000 + Math.floor(Math.random() * 10000);
    agentArgs = [master.url, join(workDir, "agent"), "cpus:4;mem:1024;disk:100;ports:[31000-32999]", String(port), JSON.stringify(options)];
    agent = await spawnAgent(agentArgs);
    agentUrl = `http://127.0.0.1:${port}`;
    fw = await PortFramework.start(master.url);
  });

  afterAll(async () => {
    fw?.close();
    await sigkill(agent);
    await master?.stop();
    bed?.destroy();
    rmSync(workDir, { recursive: true, force: true });
  });

  it("runs two tasks each reached through the host IP on its own port, reporting the shared address", async () => {
    await fw!.launch("web-1", 31001, serve(31001, "web-1"));
    await fw!.launch("web-2", 31002, serve(31002, "web-2"));
    const running = await fw!.waitForState("web-1", "TASK_RUNNING");
    await fw!.waitForState("web-2", "TASK_RUNNING");
    await eventually("both tasks to listen", async () => (await reply(31001)) === "web-1" && (await reply(31002)) === "web-2", POLL);
    const infos = (running.container_status as { network_infos?: Array<{ ip_addresses?: unknown[] }> }).network_infos;
    expect(infos?.[0]?.ip_addresses).toEqual([{ ip_address: bed.hostIp, protocol: "IPv4" }]);
  }, 90_000);

  it("reports each container's network statistics on the agent's monitoring endpoint", async () => {
    const stats = (await (await fetch(`${agentUrl}/monitor/statistics`)).json()) as Array<{ executor_id: string; statistics: Record<string, number> }>;
    const web1 = stats.find((s) => s.executor_id.includes("web-1"))?.statistics;
    expect(web1?.net_rx_bytes).toBeGreaterThan(0);
    expect(web1?.net_tx_bytes).toBeGreaterThan(0);
    expect(web1?.net_snmp_tcp_passive_opens).toBeGreaterThanOrEqual(1);
  });

  it("fails a task whose ports are outside the isolator's ports, naming them", async () => {
    await fw!.launch("outside", 32500, serve(32500, "outside"));
    const end = await fw!.waitForEnd("outside");
    expect(end.state).toBe("TASK_FAILED");
    expect(end.message).toContain("resources ports [32500-32500] are not within this agent's ports [31000-31999]");
  }, 60_000);

  it("keeps tasks reachable across an agent SIGKILL and restart, and removes orphans", async () => {
    await sigkill(agent);
    // What a crash can leave: a namespace with the isolator's prefix that no task owns.
    bed.exec("ip", ["netns", "add", `${bed.prefix}-orphan`]);
    expect(await reply(31001)).toBe("web-1");
    agent = await spawnAgent(agentArgs);
    await eventually("the orphan namespace to go", () => !bed.exec("ip", ["netns", "list"]).includes(`${bed.prefix}-orphan`), POLL);
    expect(await reply(31001)).toBe("web-1");
    expect(await reply(31002)).toBe("web-2");
    expect(fw!.statuses("web-1").filter((s) => s.state === "TASK_RUNNING")).toHaveLength(1);
  }, 90_000);

  it("leaves no namespace, veth or filter behind once the tasks end", async () => {
    for (const id of ["web-1", "web-2"]) await fw!.client.kill(id);
    expect((await fw!.waitForEnd("web-1")).state).toBe("TASK_KILLED");
    expect((await fw!.waitForEnd("web-2")).state).toBe("TASK_KILLED");
    await eventually("the isolator's cleanup", () => !bed.exec("ip", ["netns", "list"]).includes(bed.prefix), POLL);
    expect(bed.inHost("ip", ["-o", "link", "show"])).not.toContain(bed.prefix);
    expect(bed.inHost("tc", ["filter", "show", "dev", "pub", "ingress"]).trim()).toBe("");
    expect(bed.inHost("tc", ["filter", "show", "dev", "lo", "ingress"]).trim()).toBe("");
    expect(await reply(31001)).toBe("error ECONNREFUSED");
  }, 60_000);
});

/** A pino-shaped logger that drops everything. */
function silent(): never {
  const log: object = new Proxy(
    {},
    { get: (_t, key) => (key === "child" ? () => log : key === "level" ? "silent" : key === "isLevelEnabled" ? () => false : () => undefined) },
  );
  return log as never;
}
