import { describe, expect, it } from "vitest";
import type { HostNetwork } from "./host-network.js";
import { ARP_PRIO_BASE, containerLines, cookieOf, egressLines, IP_PRIO_BASE, sharedLines, slotOfCookie, vethLines, type ContainerFilterSpec } from "./tc-filter-manager.js";

const host: HostNetwork = { iface: "eth0", ip: "10.0.0.5", prefixLen: 24, mac: "02:00:00:00:00:05", mtu: 1500, localPortRange: [57344, 60999], sysctls: {} };
const spec: ContainerFilterSpec = {
  slot: 7,
  veth: "tpm7",
  ports: [
    [31000, 31001],
    [32768, 33791],
  ],
};

describe("filter plans", () => {
  it("steers the container's ports from the public interface and host lo to its veth, in its slot's priority", () => {
    const lines = sharedLines(spec, host);
    const redirects = lines.filter((l) => l.includes("redirect dev tpm7"));
    // Two blocks ([31000-31001] is one aligned pair), TCP and UDP, public interface and lo.
    expect(redirects).toHaveLength(2 * 2 * 2);
    expect(redirects.every((l) => l.includes(`prio ${IP_PRIO_BASE + 7} `) && l.includes(`cookie ${cookieOf(7)}`))).toBe(true);
    expect(lines).toContain(
      `filter add dev eth0 parent ffff: protocol ip prio ${IP_PRIO_BASE + 7} u32 match ip dst 10.0.0.5/32 match ip protocol 6 0xff match ip dport 31000 0xfffe action mirred egress redirect dev tpm7 cookie ${cookieOf(7)}`,
    );
    expect(lines).toContain(
      `filter add dev lo parent ffff: protocol ip prio ${IP_PRIO_BASE + 7} u32 match ip protocol 17 0xff match ip dport 32768 0xfc00 action mirred egress redirect dev tpm7 cookie ${cookieOf(7)}`,
    );
  });

  it("copies ARP and ICMP replies to the container but leaves echo requests to the host", () => {
    const lines = sharedLines(spec, host);
    expect(lines[0]).toBe(`filter add dev eth0 parent ffff: protocol arp prio ${ARP_PRIO_BASE + 7} u32 match u32 0 0 action mirred egress mirror dev tpm7 continue cookie ${cookieOf(7)}`);
    const icmp = lines.filter((l) => l.includes("icmp_type"));
    expect(icmp.map((l) => /icmp_type (\d+)/.exec(l)![1])).toEqual(["0", "3", "11", "12", "14"]);
    expect(icmp.every((l) => l.includes("mirror dev tpm7 continue"))).toBe(true);
  });

  it("lets only the container's own source ports out of its veth", () => {
    const lines = vethLines(spec, host);
    expect(lines).toContain("filter add dev tpm7 parent ffff: protocol ip prio 4 u32 match ip sport 32768 0xfc00 action mirred egress redirect dev eth0");
    expect(lines).toContain("filter add dev tpm7 parent ffff: protocol ip prio 3 u32 match ip dst 10.0.0.5/32 match ip sport 31000 0xfffe action mirred egress redirect dev lo");
    expect(lines.filter((l) => l.includes("sport")).length).toBe(3 * 2);
  });

  it("keeps the container's own ports on its lo and sends the rest of the host's address out", () => {
    const lines = containerLines({ ...spec, egress: { rate: 10e6, ceil: 20e6, burst: 32768 } }, host);
    expect(lines).toContain("filter add dev lo parent ffff: protocol ip prio 1 u32 match ip dport 32768 0xfc00 flowid ffff:0");
    expect(lines).toContain("filter add dev lo parent ffff: protocol ip prio 3 u32 match ip dst 10.0.0.5/32 action mirred egress redirect dev eth0");
    expect(lines.slice(-2)).toEqual(["qdisc add dev eth0 root handle 1: htb default 1", "class add dev eth0 parent 1: classid 1:1 htb rate 10000000bit ceil 20000000bit burst 32768b"]);
  });

  it("changes the egress class in place", () => {
    expect(egressLines({ rate: 5e6 }, "change")).toEqual(["class change dev eth0 parent 1: classid 1:1 htb rate 5000000bit"]);
  });

  it("recognises only its own cookies", () => {
    expect(slotOfCookie(cookieOf(4095))).toBe(4095);
    expect(slotOfCookie("deadbeef0001")).toBeUndefined();
    expect(slotOfCookie(undefined)).toBeUndefined();
  });
});
