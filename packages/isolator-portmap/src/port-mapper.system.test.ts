import { existsSync, readdirSync } from "node:fs";
import { Resources, type ContainerRef, type LaunchPlan } from "@tessera/core";
import { binary, checkPrerequisites, root } from "@tessera/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Testbed, type Tool } from "./__fixtures__/testbed.js";
import { PortMapper } from "./port-mapper.js";

const { run } = checkPrerequisites("isolator-portmap: port mapping with real namespaces and tc", [
  root,
  binary("ip", ["-V"]),
  binary("tc", ["-V"]),
  binary("nsenter", ["--version"]),
]);

const basePlan = (): LaunchPlan => ({ env: { PATH: "/usr/bin:/bin" }, mounts: [], labels: {} });

/** A container ref and prepare request for a task using `resources` (Mesos text). */
function request(id: string, resources: string) {
  const ref: ContainerRef = { containerId: id, frameworkId: "fw", agentId: "agent", taskId: `task-${id}`, sandbox: `/tmp/${id}` };
  return { ref, req: { ...ref, task: { task_id: { value: ref.taskId } }, resources: Resources.parse(resources) } };
}

describe.skipIf(!run)("PortMapper on real namespaces (isolated host and client namespaces)", () => {
  let bed: Testbed;
  let mapper: PortMapper;
  const servers: Tool[] = [];
  const c1 = request("c1", "cpus:1;mem:64;ports:[31001-31001]");
  const c2 = request("c2", "cpus:1;mem:64;ports:[31002-31002]");
  let netns1 = "";
  let netns2 = "";
  const warnings: string[] = [];

  beforeAll(async () => {
    bed = Testbed.create();
    mapper = await PortMapper.create(bed.options(), { log: { info() {}, error() {}, warn: (_o, msg) => void warnings.push(msg ?? "") } });
    netns1 = (await mapper.prepare(basePlan(), c1.req)).netnsPath!;
    netns2 = (await mapper.prepare(basePlan(), c2.req)).netnsPath!;
    servers.push(await bed.start(netns1, ["serve", "31001", "c1"]));
    servers.push(await bed.start(netns2, ["serve", "31002", "c2"]));
  });

  afterAll(() => bed?.destroy());

  it("joins each container to its own namespace through the launch plan", () => {
    expect(netns1).toBe(`/var/run/netns/${bed.prefix}-c1`);
    expect(netns2).not.toBe(netns1);
    expect(existsSync(netns1)).toBe(true);
  });

  it("reaches each container from outside through the host IP and its own port", async () => {
    const r1 = await bed.connectFromClient(31001);
    const r2 = await bed.connectFromClient(31002);
    expect(JSON.parse(String(r1.reply))).toMatchObject({ name: "c1", peer: bed.clientIp });
    expect(JSON.parse(String(r2.reply))).toMatchObject({ name: "c2" });
  });

  it("gives a port outside the container's ranges no traffic from outside", async () => {
    const stray = await bed.start(netns1, ["serve", "31500", "c1-stray"]);
    servers.push(stray);
    const r = await bed.connectFromClient(31500);
    // The host has nothing there and answers with a reset; the container never sees the connection.
    expect(r.error).toBe("ECONNREFUSED");
    expect(stray.accepted()).toBe(0);
    // Nor does a port another container owns reach this one.
    const other = await bed.start(netns1, ["serve", "31002", "c1-on-c2-port"]);
    servers.push(other);
    expect(JSON.parse(String((await bed.connectFromClient(31002)).reply)).name).toBe("c2");
    expect(other.accepted()).toBe(0);
  });

  it("makes outgoing connections from source ports inside the container's ephemeral range", async () => {
    const echo = await bed.start(bed.clientNsPath, ["serve", "7000", "client"]);
    servers.push(echo);
    const [lo, hi] = mapper.get("c1")!.ephemeral;
    for (let i = 0; i < 3; i++) {
      const r = await bed.run(netns1, ["connect", bed.clientIp, "7000"]);
      const port = JSON.parse(String(r.reply)).peerPort as number;
      expect(port).toBeGreaterThanOrEqual(lo);
      expect(port).toBeLessThanOrEqual(hi);
    }
    expect(mapper.get("c2")!.ephemeral[0]).not.toBe(lo);
  });

  it("lets containers and the host reach each other on the shared IP and on 127.0.0.1", async () => {
    // c1 → c2 through the host's address and through loopback: steered by port, not by routing.
    expect(JSON.parse(String((await bed.run(netns1, ["connect", bed.hostIp, "31002"])).reply)).name).toBe("c2");
    expect(JSON.parse(String((await bed.run(netns1, ["connect", "127.0.0.1", "31002"])).reply)).name).toBe("c2");
    // The host reaches a container on its port.
    expect(JSON.parse(String((await bed.run(bed.hostNsPath, ["connect", "127.0.0.1", "31001"])).reply)).name).toBe("c1");
    // A container reaches the host's own service (a port no container owns).
    servers.push(await bed.start(bed.hostNsPath, ["serve", "8080", "host"]));
    expect(JSON.parse(String((await bed.run(netns2, ["connect", bed.hostIp, "8080"])).reply)).name).toBe("host");
  });

  it("answers pings to the host once (from the host), and copies ping replies to containers", () => {
    const ping = (ns: string, ip: string) => bed.exec("ip", ["netns", "exec", ns, "busybox", "ping", "-c", "2", "-W", "1", ip]);
    const fromClient = ping(bed.clientNs, bed.hostIp);
    expect(fromClient).toContain("2 packets transmitted, 2 packets received");
    expect(fromClient).not.toContain("DUP!");
    expect(ping(`${bed.prefix}-c1`, bed.clientIp)).toContain("2 packets received");
  });

  it("records the task's pid on isolate, and warns when the process did not join the namespace", async () => {
    await mapper.isolate(c1.ref, servers[0]!.child.pid!);
    expect(mapper.get("c1")!.pid).toBe(servers[0]!.child.pid);
    expect(warnings).toEqual([]);
    // The test runner itself is not in c2's namespace, as if the containerizer ignored netnsPath.
    await mapper.isolate(c2.ref, process.pid);
    expect(warnings).toEqual(["task process is not in its network namespace; did the containerizer honour plan.netnsPath?"]);
    await mapper.isolate(c2.ref, servers[1]!.child.pid!);
    expect(warnings).toHaveLength(1);
  });

  it("reports the container's traffic and TCP counters through usage", async () => {
    const sink = new Map<string, number>();
    await mapper.usage(c1.ref, sink);
    expect(sink.get("net_rx_bytes")).toBeGreaterThan(0);
    expect(sink.get("net_tx_bytes")).toBeGreaterThan(0);
    expect(sink.get("net_rx_packets")).toBeGreaterThan(0);
    expect(sink.get("net_tx_dropped")).toBe(0);
    // c1 accepted connections (from the client, the host, c1 itself) and opened some (to the client).
    expect(sink.get("net_snmp_tcp_passive_opens")).toBeGreaterThanOrEqual(2);
    expect(sink.get("net_snmp_tcp_active_opens")).toBeGreaterThanOrEqual(3);
    expect(sink.has("net_tcp_active_connections")).toBe(true);
  });

  it("puts the shared address into the container status", async () => {
    const status = await mapper.status({ container_id: { value: "c1" } }, c1.ref);
    expect(status.network_infos).toEqual([
      expect.objectContaining({ name: "tessera/portmap", ip_addresses: [{ ip_address: bed.hostIp, protocol: "IPv4" }] }),
    ]);
  });

  it("refuses a task whose ports are not within the agent's ports, creating nothing", async () => {
    const bad = request("bad", "cpus:1;ports:[33000-33000]");
    await expect(mapper.prepare(basePlan(), bad.req)).rejects.toThrow(
      "task task-bad (container bad): resources ports [33000-33000] are not within this agent's ports [31000-31999]",
    );
    const clash = request("clash", "cpus:1;ports:[31001-31001]");
    await expect(mapper.prepare(basePlan(), clash.req)).rejects.toThrow("overlap [31001-31001] of container c1");
    expect(existsSync(`/var/run/netns/${bed.prefix}-bad`)).toBe(false);
    expect(mapper.containers().map((c) => c.containerId).sort()).toEqual(["c1", "c2"]);
  });

  it("removes every kernel object of a container on cleanup, and cleanup is idempotent", async () => {
    for (const s of servers.splice(0)) bed.kill(s);
    await mapper.cleanup(c1.ref);
    await mapper.cleanup(c2.ref);
    await mapper.cleanup(c2.ref);
    expect(bed.inHost("ip", ["netns", "list"]).split("\n").filter((l) => l.startsWith(bed.prefix))).toEqual([]);
    expect(bed.inHost("ip", ["-o", "link", "show"])).not.toContain(bed.prefix);
    expect(bed.inHost("tc", ["filter", "show", "dev", "pub", "ingress"]).trim()).toBe("");
    expect(bed.inHost("tc", ["filter", "show", "dev", "lo", "ingress"]).trim()).toBe("");
    expect(readdirSync(bed.stateDir)).toEqual([]);
    expect((await bed.connectFromClient(31001)).error).toBe("ECONNREFUSED");
  });
});
