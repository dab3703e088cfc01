import { readFile, readlink } from "node:fs/promises";
import {
  mergeRanges,
  rangesContain,
  type CheckpointedContainer,
  type ContainerRef,
  type ContainerStatusLike,
  type LaunchPlan,
  type PrepareRequest,
  type Range,
  type Resources,
  type UsageSink,
} from "@tessera/core";
import { CheckpointStore, type ContainerNetworkRecord } from "./checkpoint-store.js";
import { EphemeralPortAllocator } from "./ephemeral-port-allocator.js";
import { discoverHostNetwork, prepareHost, sysctlLine, type HostNetwork } from "./host-network.js";
import { NetExec, type Netns, type ScriptStep } from "./net-exec.js";
import { NetnsManager } from "./netns-manager.js";
import { egressRateFor, type PortmapOptions } from "./options.js";
import { rangesIntersect, showRanges } from "./port-ranges.js";
import { checkHostPrerequisites } from "./prerequisites.js";
import { snmpStatistics } from "./snmp.js";
import {
  containerLines,
  INGRESS,
  MAX_SLOTS,
  sharedLines,
  sharedPriorities,
  TcFilterManager,
  vethLines,
  type ContainerFilterSpec,
  type EgressLimit,
} from "./tc-filter-manager.js";

/** The subset of a pino logger the isolator writes to. */
export interface PortmapLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface PortMapperDeps {
  log?: PortmapLog;
  exec?: NetExec;
}

/** Labels the prepared LaunchPlan carries, so any containerizer can find the namespace. */
export const LABEL_NETNS = "tessera.portmap/netns";
export const LABEL_EPHEMERAL_PORTS = "tessera.portmap/ephemeral_ports";
/** The network_infos entry name in container statuses. */
export const NETWORK_NAME = "tessera/portmap";

/** What `tc filter del` / `ip link del` say about something already gone. */
const GONE = ["Cannot find", "not found", "doesn't exist", "does not exist"];
const silent: PortmapLog = { info: () => undefined, warn: () => undefined, error: () => undefined };
const errText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Port-mapping network isolation, after Mesos's network/port_mapping isolator: each container
 * gets a network namespace whose eth0 (one end of a veth pair) carries the host's own IP and
 * MAC; it owns its task's `ports` plus a private ephemeral range, and tc filters steer packets
 * by port between the public interface, host lo and the containers. The isolation phases map
 * one to one onto methods; `register` only wires them to hooks.
 */
export class PortMapper {
  private readonly live = new Map<string, ContainerNetworkRecord>();
  /** Slots (veth numbers and filter priorities) in use, by us or by leftovers recover has not judged yet. */
  private readonly slots = new Set<number>();
  private readonly ephemeral: EphemeralPortAllocator;
  private readonly store: CheckpointStore;
  private readonly netns: NetnsManager;
  readonly filters: TcFilterManager;

  private constructor(
    readonly options: PortmapOptions,
    readonly host: HostNetwork,
    private readonly hostNetns: Netns,
    private readonly exec: NetExec,
    private readonly log: PortmapLog,
  ) {
    this.ephemeral = new EphemeralPortAllocator(options.ephemeralPorts, options.ephemeralPortsPerContainer);
    this.store = new CheckpointStore(options.stateDir);
    this.netns = new NetnsManager(exec, options.netnsDir);
    this.filters = new TcFilterManager(exec, host, hostNetns);
  }

  /**
   * Checks the machine (root, ip, tc), finds the host's address and prepares host lo and the
   * public interface. Refuses, naming the problem, rather than start unable to isolate.
   */
  static async create(options: PortmapOptions, deps: PortMapperDeps = {}): Promise<PortMapper> {
    const exec = deps.exec ?? new NetExec();
    const log = deps.log ?? silent;
    await checkHostPrerequisites(exec);
    const hostNetns = options.hostNetns === undefined ? undefined : options.hostNetns.includes("/") ? options.hostNetns : `/var/run/netns/${options.hostNetns}`;
    const host = await discoverHostNetwork(exec, hostNetns, { iface: options.publicInterface, ip: options.hostIp });
    const hostRange: Range[] = [host.localPortRange];
    const suggestion = `set it outside ${showRanges(mergeRanges([...options.ports, ...options.ephemeralPorts]))}, e.g. sysctl -w net.ipv4.ip_local_port_range="${Math.min(65000, options.ephemeralPorts.at(-1)![1] + 1)} 65535"`;
    if (rangesIntersect(options.ephemeralPorts, hostRange)) {
      throw new Error(
        `ephemeralPorts ${showRanges(options.ephemeralPorts)} overlap the host's net.ipv4.ip_local_port_range ${showRanges(hostRange)}; ${suggestion}`,
      );
    }
    if (rangesIntersect(options.ports, hostRange)) {
      throw new Error(`ports ${showRanges(options.ports)} overlap the host's net.ipv4.ip_local_port_range ${showRanges(hostRange)}; ${suggestion}`);
    }
    await prepareHost(exec, hostNetns, host);
    const mapper = new PortMapper(options, host, hostNetns, exec, log);
    await mapper.reserveLeftovers();
    log.info(
      { iface: host.iface, ip: host.ip, ephemeralRanges: mapper.ephemeral.capacity, hostNetns: hostNetns ?? "(own)" },
      "port mapping ready",
    );
    return mapper;
  }

  /** The containers this isolator manages now. */
  containers(): ContainerNetworkRecord[] {
    return [...this.live.values()].map((r) => ({ ...r }));
  }

  get(containerId: string): ContainerNetworkRecord | undefined {
    const r = this.live.get(containerId);
    return r && { ...r };
  }

  /** Names a container's netns and veth would get (for tests and operators). */
  names(containerId: string, slot: number): { netns: string; veth: string } {
    const safe = containerId.replace(/[^A-Za-z0-9_.-]/g, "_").slice(0, 200);
    return { netns: `${this.options.namePrefix}-${safe}`, veth: `${this.options.namePrefix}${slot}` };
  }

  // ---- prepare ---------------------------------------------------------------------------

  /**
   * Before launch: checks the task's ports, gives the container its ephemeral range, creates
   * its namespace, veth pair and filters, and returns the plan joined to that namespace.
   */
  async prepare(plan: LaunchPlan, request: PrepareRequest): Promise<LaunchPlan> {
    const { containerId } = request;
    const where = `task ${request.taskId} (container ${containerId})`;
    if (this.live.has(containerId)) throw new Error(`${where}: already prepared by the port mapping isolator`);
    if (plan.netnsPath !== undefined) {
      throw new Error(`${where}: the launch plan already joins network namespace ${plan.netnsPath}; only one network isolator may set it`);
    }
    const ports = this.checkPorts(request.resources, where, containerId);
    const egressRate = egressRateFor(this.options, request.resources.scalar("cpus"));

    const slot = this.allocateSlot(where);
    let ephemeral: Range;
    try {
      ephemeral = this.ephemeral.allocate();
    } catch (err) {
      this.slots.delete(slot);
      throw new Error(`${where}: ${errText(err)}`);
    }
    const { netns, veth } = this.names(containerId, slot);
    const record: ContainerNetworkRecord = {
      version: 1,
      containerId,
      slot,
      veth,
      netns,
      netnsPath: this.netns.pathOf(netns),
      ports,
      ephemeral,
      ...(egressRate !== undefined ? { egressRate } : {}),
    };
    this.live.set(containerId, record);
    try {
      // Checkpoint first: a crash from here on leaves objects that recover can name and remove.
      await this.store.write(record);
      await this.setUp(record);
    } catch (err) {
      await this.tearDown(record).catch((e: unknown) =>
        this.log.warn({ containerId, err: errText(e) }, "rollback after a failed prepare left something behind"),
      );
      throw new Error(`${where}: port mapping setup failed: ${errText(err)}`);
    }
    this.log.info({ containerId, veth, netns, ports: showRanges(ports), ephemeral: showRanges([ephemeral]), egressRate }, "container network ready");
    return {
      ...plan,
      netnsPath: record.netnsPath,
      labels: { ...plan.labels, [LABEL_NETNS]: record.netnsPath, [LABEL_EPHEMERAL_PORTS]: showRanges([ephemeral]) },
    };
  }

  /** The task's ports, refused unless within the agent's ports and free on this agent. */
  private checkPorts(resources: Resources, where: string, self: string): Range[] {
    const ports = mergeRanges(resources.ranges("ports"));
    if (!rangesContain(this.options.ports, ports)) {
      throw new Error(`${where}: resources ports ${showRanges(ports)} are not within this agent's ports ${showRanges(this.options.ports)}`);
    }
    for (const other of this.live.values()) {
      if (other.containerId !== self && rangesIntersect(ports, other.ports)) {
        throw new Error(`${where}: resources ports ${showRanges(ports)} overlap ${showRanges(other.ports)} of container ${other.containerId}`);
      }
    }
    return ports;
  }

  private allocateSlot(where: string): number {
    for (let s = 0; s < MAX_SLOTS; s++) {
      if (!this.slots.has(s)) {
        this.slots.add(s);
        return s;
      }
    }
    throw new Error(`${where}: all ${MAX_SLOTS} container slots are in use`);
  }

  private specOf(r: ContainerNetworkRecord): ContainerFilterSpec {
    const egress = this.egressOf(r.egressRate);
    return { slot: r.slot, veth: r.veth, ports: mergeRanges([...r.ports, r.ephemeral]), ...(egress ? { egress } : {}) };
  }

  private egressOf(rate: number | undefined): EgressLimit | undefined {
    if (rate === undefined) return undefined;
    const { egressCeil, egressBurst } = this.options;
    return { rate, ...(egressCeil !== undefined ? { ceil: egressCeil } : {}), ...(egressBurst !== undefined ? { burst: egressBurst } : {}) };
  }

  /** Everything of one container in one shell (see NetExec.script): host side, then inside, then the shared filters. */
  private async setUp(r: ContainerNetworkRecord): Promise<void> {
    const { mac, mtu } = this.host;
    const spec = this.specOf(r);
    const inside = `nsenter --net=${r.netnsPath} --`;
    await this.exec.script(
      [
        await this.netns.createStep(r.netns),
        // Both ends carry the host's MAC: packets cross between the public interface, lo and the
        // veths by redirection, never by routing, so every one of them must look addressed to "us".
        {
          cmd: "ip -batch -",
          input: [
            `link add ${r.veth} address ${mac} mtu ${mtu} type veth peer name eth0 address ${mac} mtu ${mtu} netns ${r.netnsPath}`,
            `link set dev ${r.veth} up`,
          ],
        },
        { cmd: "sh -e", input: [sysctlLine(`net/ipv6/conf/${r.veth}/disable_ipv6`, 1, true), sysctlLine(`net/ipv4/conf/${r.veth}/forwarding`, 0)] },
        { cmd: `${inside} sh -e`, input: this.containerSysctls(r) },
        {
          cmd: `${inside} ip -batch -`,
          input: [
            `link set dev lo address ${mac} mtu ${mtu} up`,
            `link set dev eth0 up`,
            `addr add ${this.host.ip}/${this.host.prefixLen} dev eth0`,
            ...(this.host.gateway ? [`route add default via ${this.host.gateway} dev eth0`] : []),
          ],
        },
        { cmd: `${inside} tc -batch -`, input: containerLines(spec, this.host) },
        // Veth filters before the shared ones: a crash in between leaks nothing on shared devices.
        { cmd: "tc -batch -", input: [...vethLines(spec, this.host), ...sharedLines(spec, this.host)] },
      ],
      { netns: this.hostNetns },
    );
  }

  private containerSysctls(r: ContainerNetworkRecord): string[] {
    return [
      // IPv6 is not port-mapped; a container must not use it behind the filters' back.
      sysctlLine("net/ipv6/conf/all/disable_ipv6", 1, true),
      sysctlLine("net/ipv4/ip_local_port_range", `${r.ephemeral[0]} ${r.ephemeral[1]}`),
      sysctlLine("net/ipv4/conf/eth0/accept_local", 1),
      sysctlLine("net/ipv4/conf/lo/accept_local", 1),
      sysctlLine("net/ipv4/conf/lo/route_localnet", 1),
      ...Object.entries(this.host.sysctls).map(([k, v]) => sysctlLine(k, v, true)),
    ];
  }

  // ---- isolate / update / usage / status ----------------------------------------------------

  /** The task's process exists: remember its pid (statistics read its /proc/<pid>/net). */
  async isolate(ref: ContainerRef, pid: number): Promise<void> {
    const r = this.live.get(ref.containerId);
    if (!r) return;
    r.pid = pid;
    await this.store.write(r);
    // The containerizer joins the namespace (nsenter) right after forking; give it a moment.
    for (let i = 0; i < 20; i++) {
      const where = await this.whereIs(r, pid);
      if (where !== "elsewhere") return; // inside, or already ended (a short task)
      await new Promise((res) => setTimeout(res, 50));
    }
    this.log.warn({ containerId: r.containerId, pid, netns: r.netnsPath }, "task process is not in its network namespace; did the containerizer honour plan.netnsPath?");
  }

  private async whereIs(r: ContainerNetworkRecord, pid: number): Promise<"inside" | "elsewhere" | "gone"> {
    let link: string;
    try {
      link = await readlink(`/proc/${pid}/ns/net`);
    } catch {
      return "gone";
    }
    const inode = await this.netns.inode(r.netns);
    return inode !== undefined && link === `net:[${inode}]` ? "inside" : "elsewhere";
  }

  /** Resources changed: new ports get filters (old ones go), and a per-cpu egress rate follows the cpus. */
  async update(ref: ContainerRef, resources: Resources): Promise<void> {
    const r = this.live.get(ref.containerId);
    if (!r) return;
    const where = `task ${ref.taskId} (container ${ref.containerId})`;
    const ports = this.checkPorts(resources, where, r.containerId);
    const rate = egressRateFor(this.options, resources.scalar("cpus"));
    const portsChanged = showRanges(ports) !== showRanges(r.ports);
    const before = r.egressRate;
    const next: ContainerNetworkRecord = { ...r, ports };
    if (rate === undefined) delete next.egressRate;
    else next.egressRate = rate;
    if (portsChanged) await this.filters.replacePorts(this.specOf(next), r.netnsPath);
    if (rate !== before) await this.filters.changeEgress(this.egressOf(rate), before !== undefined, r.netnsPath);
    this.live.set(r.containerId, next);
    await this.store.write(next);
  }

  /** Mesos ResourceStatistics network fields: veth counters (seen from inside) and the namespace's TCP/UDP counters. */
  async usage(ref: ContainerRef, sink: UsageSink): Promise<void> {
    const r = this.live.get(ref.containerId);
    if (!r) return;
    const [link] = await this.exec.json<Array<{ stats64?: { rx: LinkCounters; tx: LinkCounters } }>>(
      "ip",
      ["-s", "link", "show", "dev", r.veth],
      this.hostNetns,
    );
    const stats = link?.stats64;
    if (stats) {
      // The host end's receive is the container's transmit, and the other way round.
      const pairs: Array<[string, LinkCounters]> = [
        ["rx", stats.tx],
        ["tx", stats.rx],
      ];
      for (const [dir, c] of pairs) {
        sink.set(`net_${dir}_packets`, c.packets);
        sink.set(`net_${dir}_bytes`, c.bytes);
        sink.set(`net_${dir}_errors`, c.errors);
        sink.set(`net_${dir}_dropped`, c.dropped);
      }
    }
    for (const [k, v] of await this.namespaceCounters(r)) sink.set(k, v);
  }

  private async namespaceCounters(r: ContainerNetworkRecord): Promise<Map<string, number>> {
    // Reading through a process inside costs no exec; without one, enter the namespace.
    if (r.pid !== undefined && (await this.whereIs(r, r.pid)) === "inside") {
      try {
        const [snmp, sockstat] = await Promise.all([readFile(`/proc/${r.pid}/net/snmp`, "utf8"), readFile(`/proc/${r.pid}/net/sockstat`, "utf8")]);
        return snmpStatistics(snmp, sockstat);
      } catch {
        // the process just ended; fall through
      }
    }
    const out = await this.exec.sh("cat /proc/net/snmp; echo '--'; cat /proc/net/sockstat", r.netnsPath);
    const [snmp = "", sockstat = ""] = out.split("\n--\n");
    return snmpStatistics(snmp, sockstat);
  }

  /** Adds the container's address (the host's) to the status's network_infos. */
  async status(status: ContainerStatusLike, ref: ContainerRef): Promise<ContainerStatusLike> {
    const r = this.live.get(ref.containerId);
    if (!r) return status;
    const info = {
      name: NETWORK_NAME,
      ip_addresses: [{ ip_address: this.host.ip, protocol: "IPv4" as const }],
      labels: {
        labels: [
          { key: "ports", value: showRanges(r.ports) },
          { key: "ephemeral_ports", value: showRanges([r.ephemeral]) },
        ],
      },
    };
    return { ...status, network_infos: [...(status.network_infos ?? []), info] };
  }

  // ---- cleanup -------------------------------------------------------------------------------

  /** The container is gone: remove its filters, veth pair, namespace and checkpoint. Idempotent. */
  async cleanup(ref: ContainerRef): Promise<void> {
    const r = this.live.get(ref.containerId);
    if (!r) return;
    await this.tearDown(r);
    this.log.info({ containerId: r.containerId, veth: r.veth, netns: r.netns }, "container network removed");
  }

  /**
   * Removes everything of one container, trying every step even when one fails, but nothing a
   * managed container also uses (a stale checkpoint may name it). Frees the slot and ports only
   * when everything went, so a leftover veth can never collide with a new container's.
   */
  private async tearDown(r: ContainerNetworkRecord): Promise<void> {
    if (this.live.get(r.containerId) === r) this.live.delete(r.containerId);
    const others = [...this.live.values()];
    const steps: ScriptStep[] = [];
    // Shared filters first (Mesos's order): a crash after this leaves nothing on shared devices.
    if (!others.some((o) => o.slot === r.slot)) {
      for (const p of sharedPriorities(r.slot, this.host)) {
        steps.push({ cmd: `tc filter del dev ${p.dev} parent ${INGRESS} prio ${p.prio}`, tolerate: GONE });
      }
    }
    if (!others.some((o) => o.veth === r.veth)) steps.push({ cmd: `ip link del dev ${r.veth}`, tolerate: GONE });
    const netnsStep = others.some((o) => o.netns === r.netns) ? undefined : await this.netns.removeStep(r.netns);
    if (netnsStep) steps.push(netnsStep);
    try {
      await this.exec.script(steps, { netns: this.hostNetns, keepGoing: true });
    } catch (err) {
      throw new Error(`cleanup of container ${r.containerId}: ${errText(err)}`);
    }
    await this.store.remove(r.containerId);
    if (!others.some((o) => o.slot === r.slot)) this.slots.delete(r.slot);
    if (!others.some((o) => o.ephemeral[0] === r.ephemeral[0])) this.ephemeral.release(r.ephemeral);
  }

  private async linkExists(name: string): Promise<boolean> {
    return (await this.hostVeths()).has(Number(name.slice(this.options.namePrefix.length)));
  }

  private async deleteLink(name: string): Promise<void> {
    try {
      await this.exec.ip(["link", "del", "dev", name], this.hostNetns);
    } catch (err) {
      if (!/Cannot find device|does not exist/.test(errText(err))) throw err;
    }
  }

  // ---- recover -------------------------------------------------------------------------------

  private async hostVeths(): Promise<Map<number, string>> {
    const links = await this.exec.json<Array<{ ifname: string }>>("ip", ["link", "show", "type", "veth"], this.hostNetns);
    const re = new RegExp(`^${this.options.namePrefix}(\\d+)$`);
    const out = new Map<number, string>();
    for (const l of links) {
      const m = re.exec(l.ifname);
      if (m) out.set(Number(m[1]), l.ifname);
    }
    return out;
  }

  /** At start: slots and ranges that leftovers still hold stay taken until recover judges them. */
  private async reserveLeftovers(): Promise<void> {
    const { records } = await this.store.readAll();
    for (const r of records) {
      this.slots.add(r.slot);
      try {
        this.ephemeral.claim(r.ephemeral);
      } catch {
        // a range from an older pool configuration: nothing to keep free
      }
    }
    for (const slot of (await this.hostVeths()).keys()) this.slots.add(slot);
    for (const slot of (await this.filters.ownedSlots()).keys()) this.slots.add(slot);
  }

  /**
   * After an agent restart: adopts the checkpointed networks of containers that still run (their
   * filters stay as they are; missing shared filters are put back), and removes every namespace,
   * veth, filter and checkpoint with our names that belongs to no such container.
   */
  async recover(containers: readonly CheckpointedContainer[]): Promise<{ recovered: string[]; orphans: string[] }> {
    const running = new Set(containers.map((c) => c.containerId));
    const { records, unreadable } = await this.store.readAll();
    const veths = await this.hostVeths();
    const namespaces = new Set(await this.netns.list(`${this.options.namePrefix}-`));

    // Start over from what is managed now: leftovers were only reserved until this judgement.
    this.slots.clear();
    for (const r of records) if (!this.live.has(r.containerId)) this.ephemeral.release(r.ephemeral);
    for (const r of this.live.values()) this.slots.add(r.slot);

    const recovered: string[] = [];
    const orphans: ContainerNetworkRecord[] = [];
    for (const r of records) {
      if (this.live.has(r.containerId)) continue;
      const intact = veths.get(r.slot) === r.veth && namespaces.has(r.netns) && !this.slots.has(r.slot);
      if (!running.has(r.containerId) || !intact) {
        if (running.has(r.containerId)) this.log.warn({ containerId: r.containerId }, "running container lost its network (veth or namespace gone); removing the rest");
        orphans.push(r);
        continue;
      }
      try {
        this.ephemeral.claim(r.ephemeral);
      } catch (err) {
        this.log.warn({ containerId: r.containerId, err: errText(err) }, "cannot take back the container's ephemeral ports; removing its network");
        orphans.push(r);
        continue;
      }
      this.slots.add(r.slot);
      this.live.set(r.containerId, r);
      // A crash between the veth filters and the shared ones leaves the latter missing.
      if (!(await this.filters.hasShared(r.slot))) {
        await this.filters.removeShared(r.slot);
        await this.filters.addShared(this.specOf(r));
        this.log.warn({ containerId: r.containerId, slot: r.slot }, "restored missing shared filters");
      }
      recovered.push(r.containerId);
    }

    const removed: string[] = [];
    for (const r of orphans) {
      try {
        await this.tearDown(r);
      } catch (err) {
        this.log.warn({ containerId: r.containerId, err: errText(err) }, "orphan cleanup incomplete");
      }
      removed.push(r.containerId);
    }
    for (const [slot, name] of veths) {
      if (!this.slots.has(slot) && (await this.linkExists(name))) {
        await this.deleteLink(name);
        removed.push(name);
      }
    }
    const adopted = new Set([...this.live.values()].map((r) => r.netns));
    for (const name of await this.netns.list(`${this.options.namePrefix}-`)) {
      if (!adopted.has(name)) {
        await this.netns.remove(name);
        removed.push(name);
      }
    }
    for (const [slot, prios] of await this.filters.ownedSlots()) {
      if (!this.slots.has(slot)) {
        await this.filters.removePriorities(prios);
        removed.push(`filters of slot ${slot}`);
      }
    }
    for (const u of unreadable) {
      this.log.warn({ file: u.file, problem: u.problem }, "removing unreadable checkpoint");
      await this.store.removeFile(u.file);
    }
    this.log.info({ recovered, removed }, "port mapping recovered");
    return { recovered, orphans: removed };
  }
}

interface LinkCounters {
  bytes: number;
  packets: number;
  errors: number;
  dropped: number;
}
