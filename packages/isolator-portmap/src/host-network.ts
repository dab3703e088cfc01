import type { NetExec, Netns } from "./net-exec.js";

/** What every container copies from the host: one address, one MAC, one MTU, one gateway. */
export interface HostNetwork {
  /** The public interface, e.g. eth0. */
  iface: string;
  ip: string;
  prefixLen: number;
  mac: string;
  mtu: number;
  gateway?: string;
  /** The host's own net.ipv4.ip_local_port_range. */
  localPortRange: [number, number];
  /** Host sysctls a new namespace would otherwise reset to kernel defaults. */
  sysctls: Record<string, string>;
}

interface IpAddrJson {
  ifname: string;
  mtu: number;
  address?: string;
  addr_info?: Array<{ family: string; local: string; prefixlen: number }>;
}

interface IpRouteJson {
  dst: string;
  gateway?: string;
  dev?: string;
}

// Per-namespace sysctls a container should see as the host has them (Mesos copies the same).
const COPIED_SYSCTLS = ["net/core/somaxconn", "net/ipv4/tcp_max_syn_backlog"];

/** Finds the public interface, its address, MAC, MTU, default gateway and the host's local port range. */
export async function discoverHostNetwork(
  exec: NetExec,
  netns: Netns,
  want: { iface?: string; ip?: string },
): Promise<HostNetwork> {
  const routes = await exec.json<IpRouteJson[]>("ip", ["-4", "route", "show", "default"], netns);
  const defaultRoute = routes.find((r) => r.dst === "default");
  const iface = want.iface ?? defaultRoute?.dev;
  if (!iface) throw new Error("no publicInterface given and the host has no IPv4 default route to take it from");

  let links: IpAddrJson[];
  try {
    links = await exec.json<IpAddrJson[]>("ip", ["addr", "show", "dev", iface], netns);
  } catch (err) {
    throw new Error(`publicInterface ${iface} does not exist: ${(err as Error).message}`);
  }
  const link = links[0];
  if (!link) throw new Error(`publicInterface ${iface} does not exist`);
  const addrs = (link.addr_info ?? []).filter((a) => a.family === "inet");
  const addr = want.ip ? addrs.find((a) => a.local === want.ip) : addrs[0];
  if (!addr) {
    throw new Error(
      want.ip
        ? `hostIp ${want.ip} is not an address of ${iface} (it has ${addrs.map((a) => a.local).join(", ") || "no IPv4 address"})`
        : `publicInterface ${iface} has no IPv4 address`,
    );
  }
  if (!link.address || !/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(link.address)) {
    throw new Error(`publicInterface ${iface} has no Ethernet address`);
  }

  const values = await readSysctls(exec, netns, ["net/ipv4/ip_local_port_range", ...COPIED_SYSCTLS]);
  const range = (values["net/ipv4/ip_local_port_range"] ?? "").split(/\s+/).map(Number);
  if (range.length !== 2 || range.some((n) => !Number.isInteger(n))) {
    throw new Error(`cannot read the host's net.ipv4.ip_local_port_range (got ${JSON.stringify(values["net/ipv4/ip_local_port_range"])})`);
  }
  const sysctls = Object.fromEntries(COPIED_SYSCTLS.flatMap((k) => (values[k] !== undefined ? [[k, values[k]!]] : [])));
  const gateway = defaultRoute?.dev === iface ? defaultRoute.gateway : undefined;
  return {
    iface,
    ip: addr.local,
    prefixLen: addr.prefixlen,
    mac: link.address,
    mtu: link.mtu,
    ...(gateway ? { gateway } : {}),
    localPortRange: [range[0]!, range[1]!],
    sysctls,
  };
}

/** Reads /proc/sys entries (paths relative to /proc/sys) inside a namespace; missing ones are left out. */
export async function readSysctls(exec: NetExec, netns: Netns, keys: readonly string[]): Promise<Record<string, string>> {
  const script = keys.map((k, i) => `printf '%s\\t' ${i}; cat /proc/sys/${k} 2>/dev/null || echo`).join("; ");
  const out = await exec.sh(script, netns);
  const values: Record<string, string> = {};
  for (const line of out.split("\n")) {
    const tab = line.indexOf("\t");
    if (tab < 0) continue;
    const key = keys[Number(line.slice(0, tab))];
    const value = line.slice(tab + 1).trim();
    if (key !== undefined && value !== "") values[key] = value.replace(/\s+/g, " ");
  }
  return values;
}

/** A shell line that writes one sysctl (path relative to /proc/sys); `optional` skips absent ones. */
export function sysctlLine(key: string, value: string | number, optional = false): string {
  const path = `/proc/sys/${key}`;
  const write = `echo '${String(value)}' > ${path}`;
  return optional ? `if [ -e ${path} ]; then ${write}; fi` : write;
}

/**
 * Host-wide settings the port mapping needs, as Mesos sets them: host lo carries the public
 * MAC and MTU (packets redirected between lo and the veths keep their Ethernet header),
 * 127.0.0.0/8 is routable on lo, and reverse-path filtering and redirects are off for lo.
 */
export async function prepareHost(exec: NetExec, netns: Netns, host: HostNetwork): Promise<void> {
  await exec.ip(["link", "set", "dev", "lo", "address", host.mac, "mtu", String(host.mtu)], netns);
  await exec.sh(
    [
      sysctlLine("net/ipv4/conf/lo/route_localnet", 1),
      sysctlLine("net/ipv4/conf/all/rp_filter", 0),
      sysctlLine("net/ipv4/conf/lo/rp_filter", 0),
      sysctlLine("net/ipv4/conf/all/send_redirects", 0),
      sysctlLine("net/ipv4/conf/lo/send_redirects", 0),
      sysctlLine("net/ipv4/conf/lo/accept_local", 1),
    ].join("\n"),
    netns,
  );
  for (const dev of [host.iface, "lo"]) await ensureIngressQdisc(exec, netns, dev);
}

/** Adds the ingress qdisc to `dev` unless it has one. */
export async function ensureIngressQdisc(exec: NetExec, netns: Netns, dev: string): Promise<void> {
  const qdiscs = await exec.json<Array<{ kind: string }>>("tc", ["qdisc", "show", "dev", dev], netns);
  if (!qdiscs.some((q) => q.kind === "ingress")) await exec.tc(["qdisc", "add", "dev", dev, "ingress"], netns);
}
