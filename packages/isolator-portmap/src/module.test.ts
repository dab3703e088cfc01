import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createAgentHooks, isModuleDefinition, moduleOptionsJsonSchema, ModuleLoader, parseModulesConfig, Resources } from "@tessera/core";
import { binary, checkPrerequisites, root } from "@tessera/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Testbed } from "./__fixtures__/testbed.js";
import portmapModule, { optionsJsonSchema, PortMapper } from "./index.js";

const ENTRY = fileURLToPath(new URL("./index.ts", import.meta.url));
// A silent stand-in for the agent's pino logger.
const quiet = { info() {}, warn() {}, error() {}, debug() {}, child() { return quiet; } } as never;

function loadWith(options: Record<string, unknown>) {
  const hooks = createAgentHooks();
  const loader = new ModuleLoader({ log: quiet });
  const result = loader.load(parseModulesConfig({ modules: [{ name: ENTRY, enabled_for: ["isolation"], options }] }), {
    role: "agent",
    hooks,
    resolveFrom: fileURLToPath(new URL(".", import.meta.url)),
  });
  return { hooks, result };
}

describe("the module definition", () => {
  it("is an agent module tapping the isolation hooks, for module API ^1.0.0", () => {
    expect(isModuleDefinition(portmapModule)).toBe(true);
    expect(portmapModule.name).toBe("@tessera/isolator-portmap");
    expect(portmapModule.roles).toEqual(["agent"]);
    expect(portmapModule.hooks).toEqual(["isolation"]);
    expect(portmapModule.apiVersion).toBe("^1.0.0");
  });

  it("ships its options' JSON Schema, and options.schema.json is that schema", () => {
    expect(optionsJsonSchema).toEqual(moduleOptionsJsonSchema(portmapModule));
    const shipped = JSON.parse(readFileSync(new URL("../options.schema.json", import.meta.url), "utf8"));
    // Regenerate with `npm run schema -w @tessera/isolator-portmap` when this fails.
    expect(shipped).toEqual(JSON.parse(JSON.stringify(optionsJsonSchema)));
  });

  it("is refused by the loader with bad options, naming the module and every bad option", async () => {
    const { result } = loadWith({ ephemeralPortsPerContainer: 1000, egressRateLimitPerContainer: "fast" });
    const message = await result.then(
      () => "loaded",
      (e: Error) => e.message,
    );
    expect(message).toContain('"@tessera/isolator-portmap"');
    expect(message).toContain("ephemeralPortsPerContainer: must be a power of two, got number 1000");
    expect(message).toContain("egressRateLimitPerContainer");
  });
});

const { run } = checkPrerequisites("isolator-portmap: module loaded from config", [root, binary("ip", ["-V"]), binary("tc", ["-V"]), binary("nsenter", ["--version"])]);

describe.skipIf(!run)("the module loaded from an operator config", () => {
  let bed: Testbed | undefined;
  beforeAll(() => {
    bed = Testbed.create();
  });
  afterAll(() => bed?.destroy());

  it("refuses to start when the public interface does not exist", async () => {
    const { result } = loadWith({ hostNetns: bed!.hostNsPath, publicInterface: "nope0", stateDir: bed!.stateDir, namePrefix: bed!.prefix });
    await expect(result).rejects.toThrow(/publicInterface nope0 does not exist/);
  });

  it("refuses to start when the ephemeral pool overlaps the host's own ephemeral ports", async () => {
    const { result } = loadWith({ hostNetns: bed!.hostNsPath, publicInterface: "pub", ephemeralPorts: "[49152-57343]", stateDir: bed!.stateDir, namePrefix: bed!.prefix });
    await expect(result).rejects.toThrow(/ephemeralPorts \[49152-57343\] overlap the host's net.ipv4.ip_local_port_range \[50000-60999\]/);
  });

  it("prepares, reports and cleans up a container through the agent's isolation hooks", async () => {
    const { hooks, result } = loadWith({
      hostNetns: bed!.hostNsPath,
      publicInterface: "pub",
      ports: "[31000-31999]",
      ephemeralPorts: "[40960-49151]",
      stateDir: bed!.stateDir,
      namePrefix: bed!.prefix,
    });
    const loaded = await result;
    const ref = { containerId: "m1", frameworkId: "fw", agentId: "a", taskId: "t1", sandbox: "/tmp/m1" };
    await hooks.isolation.recover.promise([]);
    const plan = await hooks.isolation.prepare.promise(
      { env: {}, mounts: [], labels: {} },
      { ...ref, task: { task_id: { value: "t1" } }, resources: Resources.parse("cpus:1;ports:[31100-31100]") },
    );
    expect(plan.netnsPath).toBe(`/var/run/netns/${bed!.prefix}-m1`);
    expect(plan.labels["tessera.portmap/ephemeral_ports"]).toBe("[40960-41983]");
    const status = await hooks.isolation.status.promise({}, ref);
    expect(status.network_infos?.[0]?.ip_addresses).toEqual([{ ip_address: bed!.hostIp, protocol: "IPv4" }]);
    await hooks.isolation.cleanup.promise(ref);
    expect(bed!.exec("ip", ["netns", "list"])).not.toContain(`${bed!.prefix}-m1`);
    await loaded.unload();
  });

  it("finds the public interface from the default route and gives containers that route", async () => {
    bed!.inHost("ip", ["route", "add", "default", "via", bed!.clientIp]);
    try {
      const mapper = await PortMapper.create(bed!.options({ publicInterface: undefined }));
      expect(mapper.host).toMatchObject({ iface: "pub", ip: bed!.hostIp, prefixLen: 24, gateway: bed!.clientIp });
      const ref = { containerId: "gw", frameworkId: "fw", agentId: "a", taskId: "t-gw", sandbox: "/tmp/gw" };
      await mapper.prepare({ env: {}, mounts: [], labels: {} }, { ...ref, task: { task_id: { value: "t-gw" } }, resources: Resources.parse("cpus:1") });
      expect(bed!.exec("ip", ["-n", `${bed!.prefix}-gw`, "route", "show", "default"])).toContain(`default via ${bed!.clientIp} dev eth0`);
      await mapper.cleanup(ref);
    } finally {
      bed!.inHost("ip", ["route", "del", "default"]);
    }
  });
});
