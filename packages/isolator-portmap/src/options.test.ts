import { describe, expect, it } from "vitest";
import { egressRateFor, PortmapOptions } from "./options.js";
import { optionsJsonSchema } from "./module.js";

const problems = (input: unknown) => {
  const r = PortmapOptions.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
};

describe("PortmapOptions", () => {
  it("fills Mesos-like defaults", () => {
    const o = PortmapOptions.parse({});
    expect(o.ports).toEqual([[31000, 32000]]);
    expect(o.ephemeralPorts).toEqual([[32768, 57343]]);
    expect(o.ephemeralPortsPerContainer).toBe(1024);
    expect(o.netnsDir).toBe("/var/run/netns");
    expect(o.egressRateLimitPerContainer).toBeUndefined();
  });

  it("parses ranges, rates and sizes into numbers", () => {
    const o = PortmapOptions.parse({
      ports: "[31000-31999]",
      ephemeralPorts: "[40960-49151]",
      egressRateLimitPerContainer: "10mbit",
      egressCeil: "20mbit",
      egressBurst: "64kb",
    });
    expect(o.ephemeralPorts).toEqual([[40960, 49151]]);
    expect(o.egressRateLimitPerContainer).toBe(10_000_000);
    expect(o.egressCeil).toBe(20_000_000);
    expect(o.egressBurst).toBe(65536);
  });

  it("refuses a per-container size that is not a power of two", () => {
    expect(problems({ ephemeralPortsPerContainer: 1000 })).toEqual(["ephemeralPortsPerContainer: must be a power of two"]);
  });

  it("names each bad option", () => {
    expect(problems({ ephemeralPorts: "[50000-40000]" })).toEqual(["ephemeralPorts: range [50000-40000] is empty"]);
    expect(problems({ egressRateLimitPerContainer: "fast" })[0]).toMatch(/^egressRateLimitPerContainer: /);
    expect(problems({ publicInterface: "eth0 eth1" })).toEqual(["publicInterface: expected a network interface name such as eth0"]);
    expect(problems({ netnsDir: "relative/dir" })).toEqual(["netnsDir: expected an absolute path"]);
    expect(problems({ bogus: 1 })).toEqual([": Unrecognized key: \"bogus\""]);
  });

  it("checks options against each other", () => {
    expect(problems({ egressRateLimitPerContainer: "1mbit", egressRateLimitPerCpu: "1mbit" })).toEqual([
      "egressRateLimitPerCpu: give egressRateLimitPerContainer or egressRateLimitPerCpu, not both",
    ]);
    expect(problems({ egressBurst: "32kb" })).toEqual(["egressBurst: needs egressRateLimitPerContainer or egressRateLimitPerCpu"]);
    expect(problems({ egressRateLimitPerContainer: "10mbit", egressCeil: "5mbit" })).toEqual([
      "egressCeil: is below egressRateLimitPerContainer (5000000 < 10000000 bit/s)",
    ]);
    expect(problems({ ports: "[31000-40000]", ephemeralPorts: "[32768-57343]" })).toEqual([
      "ephemeralPorts: [32768-57343] overlaps ports [31000-40000]",
    ]);
    expect(problems({ ephemeralPorts: "[512-2047]" })).toEqual(["ephemeralPorts: [512-2047] includes well-known ports (below 1024)"]);
    expect(problems({ ephemeralPorts: "[40000-40099]", ephemeralPortsPerContainer: 128 })).toEqual([
      "ephemeralPorts: [40000-40099] holds 100 ports, fewer than ephemeralPortsPerContainer (128)",
    ]);
  });

  it("derives the egress rate from a fixed or a per-cpu option", () => {
    expect(egressRateFor(PortmapOptions.parse({ egressRateLimitPerContainer: "10mbit" }), 4)).toBe(10_000_000);
    expect(egressRateFor(PortmapOptions.parse({ egressRateLimitPerCpu: "5mbit" }), 2.5)).toBe(12_500_000);
    expect(egressRateFor(PortmapOptions.parse({}), 2)).toBeUndefined();
  });

  it("ships a JSON Schema of the options as operators write them", () => {
    const props = (optionsJsonSchema as { properties: Record<string, { description?: string; default?: unknown }> }).properties;
    expect(Object.keys(props)).toEqual(expect.arrayContaining(["publicInterface", "ephemeralPorts", "ephemeralPortsPerContainer", "egressRateLimitPerCpu"]));
    expect(props.ephemeralPortsPerContainer?.default).toBe(1024);
    expect(props.ephemeralPorts?.description).toMatch(/ephemeral/);
  });
});
