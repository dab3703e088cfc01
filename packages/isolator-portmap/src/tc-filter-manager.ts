import type { Range } from "@tessera/core";
import type { HostNetwork } from "./host-network.js";
import type { NetExec, Netns } from "./net-exec.js";
import { alignedBlocks } from "./port-ranges.js";
import { tcRate } from "./units.js";

// Packet paths, after Mesos's port_mapping isolator. Every filter is u32 (the one classifier
// every kernel has) with mirred actions; a port range is a list of power-of-two port/mask blocks.
//
//   outside ──> public if ──[dst host ip, dst port owned by C]──> veth C ──> C's eth0
//   C's eth0 ──> veth C ──[src port owned by C]──> public if (dst elsewhere) or host lo (dst host)
//   host lo ──[dst port owned by C]──> veth C            (host and other containers to C)
//   C's lo ──[dst port not C's]──> C's eth0 ──> veth C ──> host lo   (C to host and others)
//   ARP and ICMP replies/errors reaching the public interface are copied to every container;
//   echo requests are answered by the host alone.
//
// On the shared public interface and host lo each container owns two priorities derived from
// its slot, and every action there carries a cookie naming the slot: deleting a container's
// filters is deleting its priorities, and recovery can tell its own filters from anyone else's.

export const INGRESS = "ffff:";
/** Priority of a container's ARP copy filter on the public interface: ARP_PRIO_BASE + slot. */
export const ARP_PRIO_BASE = 0x1000;
/** Priority of a container's ICMP copies and port redirects on the public interface and host lo: IP_PRIO_BASE + slot. */
export const IP_PRIO_BASE = 0x2000;
export const MAX_SLOTS = 0x1000;
const COOKIE_MAGIC = "74706d00"; // "tpm\0"
const LOOPBACK = "127.0.0.1/32";
const PROTOCOLS = [
  ["tcp", 6],
  ["udp", 17],
] as const;
// ICMP types that answer something a container sent: echo reply, unreachable, time exceeded,
// parameter problem, timestamp reply. Requests (echo, timestamp) go to the host only.
const ICMP_REPLY_TYPES = [0, 3, 11, 12, 14];

/** What the filters of one container depend on. */
export interface ContainerFilterSpec {
  slot: number;
  /** Host end of the container's veth pair. */
  veth: string;
  /** Every port the container owns: its task's ports and its ephemeral range. */
  ports: readonly Range[];
  /** Egress limit (HTB) on the container's eth0. */
  egress?: EgressLimit;
}

export interface EgressLimit {
  /** bits per second */
  rate: number;
  /** bits per second, at least the rate */
  ceil?: number;
  /** bytes */
  burst?: number;
}

export function cookieOf(slot: number): string {
  return COOKIE_MAGIC + slot.toString(16).padStart(4, "0");
}

/** The slot a cookie names, or undefined for a cookie that is not ours. */
export function slotOfCookie(cookie: string | undefined): number | undefined {
  if (!cookie || cookie.length !== COOKIE_MAGIC.length + 4 || !cookie.startsWith(COOKIE_MAGIC)) return undefined;
  const slot = Number.parseInt(cookie.slice(COOKIE_MAGIC.length), 16);
  return Number.isInteger(slot) && slot < MAX_SLOTS ? slot : undefined;
}

/** The priorities a slot owns on the shared devices. */
export function sharedPriorities(slot: number, host: Pick<HostNetwork, "iface">): Array<{ dev: string; prio: number }> {
  return [
    { dev: host.iface, prio: ARP_PRIO_BASE + slot },
    { dev: host.iface, prio: IP_PRIO_BASE + slot },
    { dev: "lo", prio: IP_PRIO_BASE + slot },
  ];
}

const filter = (dev: string, protocol: "ip" | "arp", prio: number, rest: string) =>
  `filter add dev ${dev} parent ${INGRESS} protocol ${protocol} prio ${prio} u32 ${rest}`;
const redirect = (dev: string) => `action mirred egress redirect dev ${dev}`;
const mirror = (dev: string) => `action mirred egress mirror dev ${dev} continue`;
const dport = (b: { port: number; mask: number }) => `match ip dport ${b.port} 0x${b.mask.toString(16)}`;
const sport = (b: { port: number; mask: number }) => `match ip sport ${b.port} 0x${b.mask.toString(16)}`;

/** Filters on the container's veth (host end): what leaves the container, and by which way. */
export function vethLines(spec: ContainerFilterSpec, host: HostNetwork): string[] {
  const { veth } = spec;
  const lines = [
    `qdisc add dev ${veth} ingress`,
    filter(veth, "arp", 1, `match u32 0 0 ${redirect(host.iface)}`),
    filter(veth, "ip", 2, `match ip protocol 1 0xff ${redirect(host.iface)}`),
  ];
  for (const b of alignedBlocks(spec.ports)) {
    // Only packets from the container's own ports leave it; anything else falls to the host
    // stack, which neither forwards (forwarding is off on the veth) nor accepts its own address.
    lines.push(filter(veth, "ip", 3, `match ip dst ${host.ip}/32 ${sport(b)} ${redirect("lo")}`));
    lines.push(filter(veth, "ip", 3, `match ip dst ${LOOPBACK} ${sport(b)} ${redirect("lo")}`));
    lines.push(filter(veth, "ip", 4, `${sport(b)} ${redirect(host.iface)}`));
  }
  return lines;
}

/** The container's filters on the shared public interface and host lo (its slot's priorities). */
export function sharedLines(spec: ContainerFilterSpec, host: HostNetwork): string[] {
  const { veth, slot } = spec;
  const cookie = `cookie ${cookieOf(slot)}`;
  const ipPrio = IP_PRIO_BASE + slot;
  const lines = [filter(host.iface, "arp", ARP_PRIO_BASE + slot, `match u32 0 0 ${mirror(veth)} ${cookie}`)];
  for (const type of ICMP_REPLY_TYPES) {
    lines.push(
      filter(host.iface, "ip", ipPrio, `match ip protocol 1 0xff match ip dst ${host.ip}/32 match ip icmp_type ${type} 0xff ${mirror(veth)} ${cookie}`),
    );
  }
  for (const b of alignedBlocks(spec.ports)) {
    // Matching the protocol keeps ICMP (whose checksum sits where a port would) out of the redirects.
    for (const [, proto] of PROTOCOLS) {
      const match = `match ip protocol ${proto} 0xff ${dport(b)}`;
      lines.push(filter(host.iface, "ip", ipPrio, `match ip dst ${host.ip}/32 ${match} ${redirect(veth)} ${cookie}`));
      lines.push(filter("lo", "ip", ipPrio, `${match} ${redirect(veth)} ${cookie}`));
    }
  }
  return lines;
}

/** Inside the container: its own ports stay on its lo, everything else to the host's address goes out eth0. */
export function containerLines(spec: ContainerFilterSpec, host: HostNetwork): string[] {
  const lines = [`qdisc add dev lo ingress`, `qdisc add dev eth0 ingress`];
  for (const b of alignedBlocks(spec.ports)) {
    // No action: classification ends here and the packet stays (Mesos's "terminal" filter).
    lines.push(filter("lo", "ip", 1, `${dport(b)} flowid ${INGRESS}0`));
    lines.push(filter("eth0", "ip", 1, `match ip dst ${LOOPBACK} ${dport(b)} ${redirect("lo")}`));
  }
  for (const dst of [`${host.ip}/32`, LOOPBACK]) {
    lines.push(filter("lo", "ip", 2, `match ip protocol 1 0xff match ip dst ${dst} flowid ${INGRESS}0`));
    lines.push(filter("lo", "ip", 3, `match ip dst ${dst} ${redirect("eth0")}`));
  }
  if (spec.egress) lines.push(...egressLines(spec.egress, "add"));
  return lines;
}

/** HTB on the container's eth0: one class that every packet falls into. */
export function egressLines(e: EgressLimit, verb: "add" | "change"): string[] {
  const params = [`rate ${tcRate(e.rate)}`];
  if (e.ceil !== undefined) params.push(`ceil ${tcRate(Math.max(e.ceil, e.rate))}`);
  if (e.burst !== undefined) params.push(`burst ${e.burst}b`);
  return [
    ...(verb === "add" ? [`qdisc add dev eth0 root handle 1: htb default 1`] : []),
    `class ${verb} dev eth0 parent 1: classid 1:1 htb ${params.join(" ")}`,
  ];
}

interface TcFilterJson {
  pref?: number;
  options?: { actions?: Array<{ cookie?: string }> };
}

/** Installs, lists and removes the tc filters of containers. */
export class TcFilterManager {
  constructor(
    private readonly exec: NetExec,
    private readonly host: HostNetwork,
    /** Where the public interface lives. */
    private readonly hostNetns: Netns,
  ) {}

  async addShared(spec: ContainerFilterSpec): Promise<void> {
    await this.exec.batch("tc", sharedLines(spec, this.host), this.hostNetns);
  }

  /** Slot → priorities it owns on `dev`, read from our cookies. */
  async ownedPriorities(dev: string): Promise<Map<number, number[]>> {
    const filters = await this.exec.json<TcFilterJson[]>("tc", ["filter", "show", "dev", dev, "ingress"], this.hostNetns);
    const owned = new Map<number, Set<number>>();
    for (const f of filters) {
      for (const a of f.options?.actions ?? []) {
        const slot = slotOfCookie(a.cookie);
        if (slot === undefined || f.pref === undefined) continue;
        owned.set(slot, (owned.get(slot) ?? new Set()).add(f.pref));
      }
    }
    return new Map([...owned].map(([slot, prios]) => [slot, [...prios].sort((a, b) => a - b)]));
  }

  /** Every slot with filters on the public interface or host lo. */
  async ownedSlots(): Promise<Map<number, Array<{ dev: string; prio: number }>>> {
    const out = new Map<number, Array<{ dev: string; prio: number }>>();
    for (const dev of [this.host.iface, "lo"]) {
      for (const [slot, prios] of await this.ownedPriorities(dev)) {
        out.set(slot, [...(out.get(slot) ?? []), ...prios.map((prio) => ({ dev, prio }))]);
      }
    }
    return out;
  }

  /** True when the slot has its full set of shared priorities (ARP and IP on the public interface, IP on lo). */
  async hasShared(slot: number): Promise<boolean> {
    const prios = (await this.ownedSlots()).get(slot) ?? [];
    const has = (dev: string, prio: number) => prios.some((p) => p.dev === dev && p.prio === prio);
    return has(this.host.iface, ARP_PRIO_BASE + slot) && has(this.host.iface, IP_PRIO_BASE + slot) && has("lo", IP_PRIO_BASE + slot);
  }

  /** Deletes the given priorities (from ownedSlots). */
  async removePriorities(prios: ReadonlyArray<{ dev: string; prio: number }>): Promise<void> {
    await this.exec.batch(
      "tc",
      prios.map((p) => `filter del dev ${p.dev} parent ${INGRESS} prio ${p.prio}`),
      this.hostNetns,
    );
  }

  /** Removes whatever the slot still has on the public interface and host lo. Idempotent. */
  async removeShared(slot: number): Promise<void> {
    await this.removePriorities((await this.ownedSlots()).get(slot) ?? []);
  }

  /** Replaces a running container's port filters (ports changed): veth, shared and in-container ones. */
  async replacePorts(spec: ContainerFilterSpec, netns: string): Promise<void> {
    const hostDel = [
      `filter del dev ${spec.veth} parent ${INGRESS} prio 3`,
      `filter del dev ${spec.veth} parent ${INGRESS} prio 4`,
      ...((await this.ownedSlots()).get(spec.slot) ?? []).map((p) => `filter del dev ${p.dev} parent ${INGRESS} prio ${p.prio}`),
    ];
    const hostAdd = [...vethLines(spec, this.host).filter((l) => / prio [34] /.test(l)), ...sharedLines(spec, this.host)];
    await this.exec.batch("tc", [...hostDel, ...hostAdd], this.hostNetns);
    const inside = containerLines({ ...spec, egress: undefined }, this.host).filter((l) => / prio 1 /.test(l));
    await this.exec.batch("tc", [`filter del dev lo parent ${INGRESS} prio 1`, `filter del dev eth0 parent ${INGRESS} prio 1`, ...inside], netns);
  }

  async changeEgress(egress: EgressLimit | undefined, had: boolean, netns: string): Promise<void> {
    if (egress && had) await this.exec.batch("tc", egressLines(egress, "change"), netns);
    else if (egress) await this.exec.batch("tc", egressLines(egress, "add"), netns);
    else if (had) await this.exec.batch("tc", ["qdisc del dev eth0 root"], netns);
  }
}
