import { describe, expect, it } from "vitest";
import { parseSnmp, snakeCase, snmpStatistics } from "./snmp.js";

const SNMP = `Ip: Forwarding DefaultTTL InReceives
Ip: 1 64 21556
IcmpMsg: InType3
IcmpMsg: 1
Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab InSegs OutSegs RetransSegs InErrs OutRsts InCsumErrors
Tcp: 1 200 120000 -1 574 356 129 56 2 21422 15305 5 0 339 0
Udp: InDatagrams NoPorts InErrors OutDatagrams
Udp: 133 7 0 134
`;
const SOCKSTAT = `sockets: used 43
TCP: inuse 3 orphan 0 tw 9 alloc 4 mem 132
UDP: inuse 0 mem 0
`;

describe("namespace counters", () => {
  it("pairs header and value lines per group", () => {
    const g = parseSnmp(SNMP);
    expect(g.Tcp?.ActiveOpens).toBe(574);
    expect(g.Tcp?.MaxConn).toBe(-1);
    expect(g.IcmpMsg?.InType3).toBe(1);
    expect(g.Udp?.NoPorts).toBe(7);
  });

  it("reports TCP/UDP counters and Mesos's connection counts under flat keys", () => {
    const s = snmpStatistics(SNMP, SOCKSTAT);
    expect(s.get("net_snmp_tcp_active_opens")).toBe(574);
    expect(s.get("net_snmp_tcp_retrans_segs")).toBe(5);
    expect(s.get("net_snmp_tcp_curr_estab")).toBe(2);
    expect(s.get("net_snmp_udp_no_ports")).toBe(7);
    expect(s.get("net_tcp_active_connections")).toBe(3);
    expect(s.get("net_tcp_time_wait_connections")).toBe(9);
    expect(s.has("net_snmp_ip_forwarding")).toBe(false);
  });

  it("snake-cases the kernel's field names", () => {
    expect(snakeCase("InCsumErrors")).toBe("in_csum_errors");
    expect(snakeCase("RtoMin")).toBe("rto_min");
  });
});
