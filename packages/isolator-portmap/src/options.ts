import { z } from "@tessera/core";
import { countPorts, parsePortRanges, rangesIntersect, showRanges, WELL_KNOWN_PORTS_END } from "./port-ranges.js";
import { parseRate, parseSize } from "./units.js";

// Each parser's error becomes a zod issue, so the loader names the option and the value.
const parsed = <T>(parse: (v: string) => T) =>
  z.string().transform((v, ctx): T => {
    try {
      return parse(v);
    } catch (err) {
      ctx.addIssue({ code: "custom", message: (err as Error).message, input: v });
      return z.NEVER;
    }
  });

const rangeText = (example: string) => parsed((v) => parsePortRanges(v)).describe(`Mesos range text, e.g. ${example}`);
const rate = z
  .union([z.number().positive(), parsed(parseRate)])
  .describe('tc rate: "10mbit", "1gbit", "500kbps" (bytes/s), or a number of bits per second');
const size = z.union([z.number().int().positive(), parsed(parseSize)]).describe('bytes: "32kb", "1mb" or a number');
const absolutePath = z.string().regex(/^\//, "expected an absolute path");

/** Module options, as operators write them under `modules[].options`. */
export const PortmapOptions = z
  .strictObject({
    publicInterface: z
      .string()
      .regex(/^[^\s/:]{1,15}$/, "expected a network interface name such as eth0")
      .optional()
      .describe("Host interface whose IPv4 address every container shares (default: the interface of the default route)"),
    hostIp: z.ipv4().optional().describe("The shared address (default: the public interface's first IPv4 address)"),
    hostNetns: z
      .string()
      .min(1)
      .optional()
      .describe("Network namespace that plays the host (a name under /var/run/netns or a path); default: the agent's own. Used by tests."),
    ports: rangeText("[31000-32000]")
      .prefault("[31000-32000]")
      .describe("The agent's `ports` resource: tasks may only use these (as the master offered them)"),
    ephemeralPorts: rangeText("[32768-57343]")
      .prefault("[32768-57343]")
      .describe("Pool from which each container gets its own ephemeral port range; must not overlap `ports` or the host's ip_local_port_range"),
    ephemeralPortsPerContainer: z
      .number()
      .int()
      .min(16)
      .max(32768)
      .refine((n) => (n & (n - 1)) === 0, "must be a power of two")
      .default(1024)
      .describe("Size of each container's ephemeral range (a power of two, so one tc filter covers it)"),
    egressRateLimitPerContainer: rate.optional().describe("Fixed egress rate of every container (HTB)"),
    egressRateLimitPerCpu: rate.optional().describe("Egress rate per cpu of the task: the limit is this times the task's cpus"),
    egressBurst: size.optional().describe("HTB burst: bytes a container may send at full link speed before the rate applies"),
    egressCeil: rate.optional().describe("HTB ceiling: the most a container may send (default: the rate)"),
    netnsDir: absolutePath.default("/var/run/netns").describe("Where container network namespaces are bind-mounted"),
    stateDir: absolutePath.default("/var/run/tessera/portmap").describe("Checkpoints of each container's network, read back by recover"),
    namePrefix: z
      .string()
      .regex(/^[a-z][a-z0-9]{0,9}$/, "expected 1-10 lowercase letters or digits, starting with a letter")
      .default("tpm")
      .describe("Host veths are <prefix><n>, namespaces <prefix>-<container id>; recover removes unknown ones with this prefix"),
  })
  .superRefine((o, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
    if (o.egressRateLimitPerContainer !== undefined && o.egressRateLimitPerCpu !== undefined) {
      issue("egressRateLimitPerCpu", "give egressRateLimitPerContainer or egressRateLimitPerCpu, not both");
    }
    const limited = o.egressRateLimitPerContainer !== undefined || o.egressRateLimitPerCpu !== undefined;
    if (!limited && o.egressBurst !== undefined) issue("egressBurst", "needs egressRateLimitPerContainer or egressRateLimitPerCpu");
    if (!limited && o.egressCeil !== undefined) issue("egressCeil", "needs egressRateLimitPerContainer or egressRateLimitPerCpu");
    if (o.egressCeil !== undefined && o.egressRateLimitPerContainer !== undefined && o.egressCeil < o.egressRateLimitPerContainer) {
      issue("egressCeil", `is below egressRateLimitPerContainer (${o.egressCeil} < ${o.egressRateLimitPerContainer} bit/s)`);
    }
    const pool = o.ephemeralPorts;
    if (countPorts(pool) < o.ephemeralPortsPerContainer) {
      issue(
        "ephemeralPorts",
        `${showRanges(pool)} holds ${countPorts(pool)} ports, fewer than ephemeralPortsPerContainer (${o.ephemeralPortsPerContainer})`,
      );
    }
    if (rangesIntersect(pool, o.ports)) issue("ephemeralPorts", `${showRanges(pool)} overlaps ports ${showRanges(o.ports)}`);
    if (rangesIntersect(pool, [[0, WELL_KNOWN_PORTS_END]])) {
      issue("ephemeralPorts", `${showRanges(pool)} includes well-known ports (below ${WELL_KNOWN_PORTS_END + 1})`);
    }
  });

export type PortmapOptionsInput = z.input<typeof PortmapOptions>;
export type PortmapOptions = z.output<typeof PortmapOptions>;

/** The egress limit of a container with `cpus` cpus, in bits per second; undefined when unlimited. */
export function egressRateFor(o: Pick<PortmapOptions, "egressRateLimitPerContainer" | "egressRateLimitPerCpu">, cpus: number): number | undefined {
  if (o.egressRateLimitPerContainer !== undefined) return o.egressRateLimitPerContainer;
  // Mesos's minimum cpus per container, so a task without cpus still gets a (small) rate.
  if (o.egressRateLimitPerCpu !== undefined) return Math.round(o.egressRateLimitPerCpu * Math.max(cpus, 0.01));
  return undefined;
}
