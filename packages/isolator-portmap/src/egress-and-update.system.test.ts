import { Resources, type LaunchPlan } from "@tessera/core";
import { binary, checkPrerequisites, root } from "@tessera/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Testbed } from "./__fixtures__/testbed.js";
import { PortMapper } from "./port-mapper.js";

const { run } = checkPrerequisites("isolator-portmap: egress limit and updates", [root, binary("ip", ["-V"]), binary("tc", ["-V"]), binary("nsenter", ["--version"])]);

const plan = (): LaunchPlan => ({ env: {}, mounts: [], labels: {} });
const prepareOn = (mapper: PortMapper, id: string, resources: string) =>
  mapper.prepare(plan(), {
    containerId: id,
    frameworkId: "fw",
    agentId: "agent",
    taskId: `task-${id}`,
    sandbox: `/tmp/${id}`,
    task: { task_id: { value: `task-${id}` } },
    resources: Resources.parse(resources),
  });

/** Sends from inside a container to a sink in the client namespace for `ms`; the sink's measured Mbit/s. */
async function measure(bed: Testbed, netns: string, port: number, ms: number): Promise<number> {
  const sink = await bed.start(bed.clientNsPath, ["sink", String(port)]);
  const result = sink.next(ms + 20_000);
  await bed.run(netns, ["send", bed.clientIp, String(port), String(ms)], ms + 20_000);
  return (await result).mbit as number;
}

// Two beds (each its own host namespace), because the limit is an option of the isolator.
describe.skipIf(!run)("egress rate limit (HTB in the container) and resource updates", () => {
  let limitedBed: Testbed;
  let openBed: Testbed;
  let limited: PortMapper;
  let open: PortMapper;

  beforeAll(async () => {
    limitedBed = Testbed.create();
    openBed = Testbed.create();
    // Per cpu, so the 2-cpu task below is limited to 2 × 5 Mbit/s.
    limited = await PortMapper.create(limitedBed.options({ egressRateLimitPerCpu: "5mbit" }));
    open = await PortMapper.create(openBed.options());
  });

  afterAll(() => {
    limitedBed?.destroy();
    openBed?.destroy();
  });

  it("holds a limited container to about its rate (±30%) while an unlimited one is not held", async () => {
    const slow = (await prepareOn(limited, "slow", "cpus:2;mem:32")).netnsPath!;
    const fast = (await prepareOn(open, "fast", "cpus:2;mem:32")).netnsPath!;
    const limitedMbit = await measure(limitedBed, slow, 7100, 2000);
    const openMbit = await measure(openBed, fast, 7100, 1000);
    expect(limitedMbit).toBeGreaterThan(7);
    expect(limitedMbit).toBeLessThan(13);
    expect(openMbit).toBeGreaterThan(30);
  });

  it("follows the task's cpus when its resources change", async () => {
    expect(limitedBed.exec("tc", ["-n", `${limitedBed.prefix}-slow`, "class", "show", "dev", "eth0"])).toMatch(/rate 10Mbit/);
    await limited.update(
      { containerId: "slow", frameworkId: "fw", agentId: "agent", taskId: "task-slow", sandbox: "/tmp/slow" },
      Resources.parse("cpus:4;mem:32"),
    );
    const cls = limitedBed.exec("tc", ["-n", `${limitedBed.prefix}-slow`, "class", "show", "dev", "eth0"]);
    expect(cls).toMatch(/rate 20Mbit/);
    expect(limited.get("slow")!.egressRate).toBe(20_000_000);
  });

  it("moves the port filters when the task's ports change", async () => {
    const ref = { containerId: "slow", frameworkId: "fw", agentId: "agent", taskId: "task-slow", sandbox: "/tmp/slow" };
    const netns = limited.get("slow")!.netnsPath;
    const server = await limitedBed.start(netns, ["serve", "31005", "slow"]);
    expect((await limitedBed.connectFromClient(31005)).error).toBe("ECONNREFUSED");
    await limited.update(ref, Resources.parse("cpus:4;mem:32;ports:[31005-31005]"));
    expect(JSON.parse(String((await limitedBed.connectFromClient(31005)).reply)).name).toBe("slow");
    await limited.update(ref, Resources.parse("cpus:4;mem:32"));
    expect((await limitedBed.connectFromClient(31005)).error).toBe("ECONNREFUSED");
    limitedBed.kill(server);
  });
});
