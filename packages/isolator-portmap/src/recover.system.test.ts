import { Resources, type CheckpointedContainer, type ContainerRef, type LaunchPlan } from "@tessera/core";
import { binary, checkPrerequisites, root } from "@tessera/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Testbed, type Tool } from "./__fixtures__/testbed.js";
import { PortMapper } from "./port-mapper.js";
import { cookieOf, IP_PRIO_BASE } from "./tc-filter-manager.js";

const { run } = checkPrerequisites("isolator-portmap: recovery", [root, binary("ip", ["-V"]), binary("tc", ["-V"]), binary("nsenter", ["--version"])]);

const plan = (): LaunchPlan => ({ env: {}, mounts: [], labels: {} });
const ref = (id: string): ContainerRef => ({ containerId: id, frameworkId: "fw", agentId: "agent", taskId: `task-${id}`, sandbox: `/tmp/${id}` });
const checkpointed = (id: string): CheckpointedContainer => ({ containerId: id, containerizer: "process", taskId: `task-${id}`, frameworkId: "fw", sandbox: `/tmp/${id}` });
const prepare = (m: PortMapper, id: string, ports: string) =>
  m.prepare(plan(), { ...ref(id), task: { task_id: { value: `task-${id}` } }, resources: Resources.parse(`cpus:1;ports:${ports}`) });

/** Filter lines of one priority, including their kernel handles (fh ...), to tell kept filters from re-created ones. */
const filtersAt = (bed: Testbed, dev: string, prio: number) => bed.inHost("tc", ["filter", "show", "dev", dev, "ingress", "prio", String(prio)]);

describe.skipIf(!run)("a second isolator instance recovering after an agent restart", () => {
  let bed: Testbed;
  let first: PortMapper;
  let second: PortMapper;
  const servers: Tool[] = [];
  let keptFilters = "";
  let result: { recovered: string[]; orphans: string[] };

  beforeAll(async () => {
    bed = Testbed.create();
    first = await PortMapper.create(bed.options());
    for (const [id, port] of [
      ["live", 31011],
      ["gone", 31012],
      ["torn", 31013],
    ] as const) {
      const netns = (await prepare(first, id, `[${port}-${port}]`)).netnsPath!;
      servers.push(await bed.start(netns, ["serve", String(port), id]));
    }
    // Leftovers of a crash: a namespace and a veth with our prefix, and a filter of a slot nobody holds.
    bed.exec("ip", ["netns", "add", `${bed.prefix}-stray`]);
    bed.inHost("ip", ["link", "add", `${bed.prefix}77`, "type", "veth", "peer", "name", "strayp"]);
    bed.inHost("tc", ["filter", "add", "dev", "pub", "parent", "ffff:", "protocol", "ip", "prio", String(IP_PRIO_BASE + 99), "u32",
      "match", "ip", "dport", "31999", "0xffff", "action", "mirred", "egress", "redirect", "dev", "lo", "cookie", cookieOf(99)]);
    // Someone else's filter on the same interface: not ours to remove.
    bed.inHost("tc", ["filter", "add", "dev", "pub", "parent", "ffff:", "protocol", "ip", "prio", "5", "u32", "match", "ip", "dport", "9", "0xffff", "flowid", "ffff:0"]);
    // "torn" lost its host-lo filters (a crash while they were being installed).
    bed.inHost("tc", ["filter", "del", "dev", "lo", "parent", "ffff:", "prio", String(IP_PRIO_BASE + first.get("torn")!.slot)]);
    keptFilters = filtersAt(bed, "pub", IP_PRIO_BASE + first.get("live")!.slot);

    // The agent restarts: a new instance over the same checkpoints and kernel state; "gone" ended meanwhile.
    second = await PortMapper.create(bed.options());
    result = await second.recover([checkpointed("live"), checkpointed("torn")]);
  });

  afterAll(() => bed?.destroy());

  it("keeps running containers reachable, with their filters untouched", async () => {
    expect(result.recovered.sort()).toEqual(["live", "torn"]);
    expect(JSON.parse(String((await bed.connectFromClient(31011)).reply)).name).toBe("live");
    expect(filtersAt(bed, "pub", IP_PRIO_BASE + second.get("live")!.slot)).toBe(keptFilters);
  });

  it("puts back shared filters a crash left missing", async () => {
    const viaHostLo = await bed.run(bed.hostNsPath, ["connect", "127.0.0.1", "31013"]);
    expect(JSON.parse(String(viaHostLo.reply)).name).toBe("torn");
  });

  it("removes the ended container's network and every stray object with its names", async () => {
    expect(result.orphans).toEqual(expect.arrayContaining(["gone", `${bed.prefix}77`, `${bed.prefix}-stray`, "filters of slot 99"]));
    expect((await bed.connectFromClient(31012)).error).toBe("ECONNREFUSED");
    const namespaces = bed.exec("ip", ["netns", "list"]).split("\n").map((l) => l.split(" ")[0]).filter((n) => n?.startsWith(bed.prefix));
    expect(namespaces.sort()).toEqual([`${bed.prefix}-live`, `${bed.prefix}-torn`]);
    const links = bed.inHost("ip", ["-o", "link", "show"]);
    expect(links).not.toContain(`${bed.prefix}77`);
    expect(links).not.toContain("strayp");
    expect(bed.inHost("tc", ["filter", "show", "dev", "pub", "ingress"])).not.toContain(cookieOf(99));
    // Other people's filters stay.
    expect(filtersAt(bed, "pub", 5)).toContain("flowid ffff:");
  });

  it("does not hand out what the recovered containers hold", async () => {
    const live = second.get("live")!;
    await prepare(second, "next", "[31014-31014]");
    const next = second.get("next")!;
    expect(next.ephemeral).not.toEqual(live.ephemeral);
    expect(next.slot).not.toBe(live.slot);
    await expect(prepare(second, "clash", "[31011-31011]")).rejects.toThrow("overlap [31011-31011] of container live");
  });

  it("cleans up recovered containers completely", async () => {
    for (const s of servers.splice(0)) bed.kill(s);
    for (const id of ["live", "torn", "next"]) await second.cleanup(ref(id));
    expect(bed.exec("ip", ["netns", "list"])).not.toContain(bed.prefix);
    expect(bed.inHost("ip", ["-o", "link", "show"])).not.toContain(bed.prefix);
    const left = bed.inHost("tc", ["filter", "show", "dev", "pub", "ingress"]);
    expect(left).not.toContain("cookie");
    expect(bed.inHost("tc", ["filter", "show", "dev", "lo", "ingress"]).trim()).toBe("");
  });
});
