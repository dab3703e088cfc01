import { roleProblem, z } from "@tessera/core";
import { cidrContains, cidrSize, cidrsOverlap, formatCidr, parseCidr, type Cidr } from "./cidr.js";

/** Largest IP pool: every address is a SET item in offers and in the registry. */
export const MAX_POOL_ADDRESSES = 65_536;

const PoolName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "pool names are letters, digits, _ . - (they become resource names)");

const ResourceName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_./-]*$/, "resource names start with a letter or _ and hold letters, digits, _ . / -");

const Role = z.string().superRefine((role, ctx) => {
  const problem = roleProblem(role);
  if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem, input: role });
});

const common = {
  roles: z
    .array(Role)
    .min(1)
    .optional()
    .describe('Roles this pool is offered to (each with its sub-roles); default: every role. "*" is the default role'),
  perOffer: z.number().positive().optional().describe("At most this many units of the pool in one offer (default: all that are free)"),
};

const Seats = z.number().int().min(0).describe("Seats");

const LicenseServer = z
  .strictObject({
    url: z.url({ protocol: /^https?$/ }).describe("GET answers { total, used_outside_cluster } (see the README's license server contract)"),
    intervalMs: z.number().int().min(50).default(30_000).describe("Time between polls while the server answers"),
    timeoutMs: z.number().int().min(10).default(5_000).describe("A poll not answered by then has failed"),
    backoffMaxMs: z.number().int().min(50).default(300_000).describe("After failures the poll interval doubles up to this"),
  })
  .describe("Poll a license server for the seat count; the last known count stands while it is unreachable");

const LicensePool = z.union([
  Seats.describe("Seat count (shorthand for { count })"),
  z
    .strictObject({
      count: Seats.optional().describe("Fixed seat count"),
      server: LicenseServer.optional(),
      resource: ResourceName.optional().describe("Resource name in offers (default: the pool name)"),
      ...common,
    })
    .refine((o) => (o.count === undefined) !== (o.server === undefined), { message: "give either count or server" }),
]);

const IpPool = z.strictObject({
  cidrs: z.array(z.string()).min(1).describe('Blocks of addresses, e.g. ["10.0.0.0/28", "fd00::/120"]'),
  exclude: z.array(z.string()).default([]).describe("Addresses or blocks inside cidrs that are never offered (gateways, reserved)"),
  resource: ResourceName.optional().describe("Resource name in offers (default: ips.<pool>)"),
  ...common,
});

const Mbps = z.number().min(0).describe("Mbit/s");

const BandwidthLink = z.union([
  Mbps.describe("Capacity in Mbit/s (shorthand for { mbps })"),
  z.strictObject({
    mbps: Mbps,
    resource: ResourceName.optional().describe("Resource name in offers (default: bandwidth.<link>)"),
    ...common,
  }),
]);

/** Module options, as operators write them under `modules[].options`. */
export const LicenseModuleOptions = z
  .strictObject({
    licenses: z.record(PoolName, LicensePool).default({}).describe("Named license pools, e.g. { matlab: 10, ansys: { server: { url } } }"),
    ipPools: z.record(PoolName, IpPool).default({}).describe("Named pools of IP addresses, offered as SET resources of single addresses"),
    bandwidth: z.record(PoolName, BandwidthLink).default({}).describe("External links with a capacity in Mbit/s, e.g. { wan: 1000 }"),
  })
  .superRefine((o, ctx) => {
    checkResourceNames(o, ctx);
    checkIpPools(o.ipPools, ctx);
  });

export type LicenseModuleOptionsInput = z.input<typeof LicenseModuleOptions>;
export type LicenseModuleOptions = z.output<typeof LicenseModuleOptions>;

type Ctx = z.core.$RefinementCtx<LicenseModuleOptions>;

/** The resource name each pool is offered under. */
export function resourceNames(o: LicenseModuleOptions): Array<{ path: (string | number)[]; name: string }> {
  const out: Array<{ path: (string | number)[]; name: string }> = [];
  for (const [pool, v] of Object.entries(o.licenses)) out.push({ path: ["licenses", pool], name: (typeof v === "number" ? undefined : v.resource) ?? pool });
  for (const [pool, v] of Object.entries(o.ipPools)) out.push({ path: ["ipPools", pool], name: v.resource ?? `ips.${pool}` });
  for (const [link, v] of Object.entries(o.bandwidth)) out.push({ path: ["bandwidth", link], name: (typeof v === "number" ? undefined : v.resource) ?? `bandwidth.${link}` });
  return out;
}

const AGENT_RESOURCES = new Set(["cpus", "mem", "disk", "gpus", "ports"]);

function checkResourceNames(o: LicenseModuleOptions, ctx: Ctx): void {
  const seen = new Map<string, string>();
  for (const { path, name } of resourceNames(o)) {
    const at = path.join(".");
    if (AGENT_RESOURCES.has(name)) ctx.addIssue({ code: "custom", path, message: `resource name "${name}" is an agent resource; pick another name` });
    const first = seen.get(name);
    if (first !== undefined) ctx.addIssue({ code: "custom", path, message: `resource name "${name}" is already used by ${first}` });
    else seen.set(name, at);
  }
}

/** Parsed blocks of an IP pool whose options were validated. */
export function poolBlocks(pool: { cidrs: string[]; exclude: string[] }): { cidrs: Cidr[]; exclude: Cidr[] } {
  const read = (text: string): Cidr => {
    const c = parseCidr(text);
    if (typeof c === "string") throw new Error(c);
    return c;
  };
  return { cidrs: pool.cidrs.map(read), exclude: pool.exclude.map(read) };
}

function checkIpPools(pools: LicenseModuleOptions["ipPools"], ctx: Ctx): void {
  const all: Array<{ cidr: Cidr; where: string }> = [];
  for (const [name, pool] of Object.entries(pools)) {
    const path = ["ipPools", name];
    const cidrs: Cidr[] = [];
    let size = 0n;
    pool.cidrs.forEach((text, i) => {
      const here = [...path, "cidrs", i];
      const c = parseCidr(text);
      if (typeof c === "string") return ctx.addIssue({ code: "custom", path: here, message: c, input: text });
      for (const other of all) {
        if (cidrsOverlap(c, other.cidr)) {
          ctx.addIssue({ code: "custom", path: here, message: `${formatCidr(c)} overlaps ${other.where} (${formatCidr(other.cidr)})`, input: text });
        }
      }
      all.push({ cidr: c, where: `ipPools.${name}.cidrs[${i}]` });
      cidrs.push(c);
      size += cidrSize(c);
    });
    if (size > BigInt(MAX_POOL_ADDRESSES)) {
      ctx.addIssue({ code: "custom", path: [...path, "cidrs"], message: `${size} addresses; a pool holds at most ${MAX_POOL_ADDRESSES}` });
    }
    pool.exclude.forEach((text, i) => {
      const here = [...path, "exclude", i];
      const x = parseCidr(text);
      if (typeof x === "string") return ctx.addIssue({ code: "custom", path: here, message: x, input: text });
      const inside = cidrs.some((c) => c.prefix <= x.prefix && cidrContains(c, { version: x.version, value: x.base }));
      if (!inside) ctx.addIssue({ code: "custom", path: here, message: `${text} is in none of the pool's cidrs`, input: text });
    });
  }
}
