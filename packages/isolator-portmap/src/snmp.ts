// Readers of /proc/net/snmp and /proc/net/sockstat, as seen from inside a container's namespace.

/** `Tcp: ActiveOpens ...` / `Tcp: 12 ...` header and value line pairs → { Tcp: { ActiveOpens: 12, ... } }. */
export function parseSnmp(text: string): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  const lines = text.split("\n").filter((l) => l.includes(":"));
  for (let i = 0; i + 1 < lines.length; i++) {
    const [group, names] = splitLine(lines[i]!);
    const [group2, values] = splitLine(lines[i + 1]!);
    if (group !== group2) continue;
    i++;
    const fields: Record<string, number> = {};
    names.forEach((name, j) => {
      const v = Number(values[j]);
      if (Number.isFinite(v)) fields[name] = v;
    });
    out[group] = fields;
  }
  return out;
}

/** `TCP: inuse 3 orphan 0 tw 1 alloc 4 mem 1` lines → { TCP: { inuse: 3, tw: 1, ... } }. */
export function parseSockstat(text: string): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const line of text.split("\n")) {
    const [group, words] = splitLine(line);
    if (!group) continue;
    const fields: Record<string, number> = {};
    for (let i = 0; i + 1 < words.length; i += 2) fields[words[i]!] = Number(words[i + 1]);
    out[group] = fields;
  }
  return out;
}

function splitLine(line: string): [string, string[]] {
  const colon = line.indexOf(":");
  if (colon < 0) return ["", []];
  return [line.slice(0, colon).trim(), line.slice(colon + 1).trim().split(/\s+/).filter(Boolean)];
}

/** "ActiveOpens" → "active_opens", "InCsumErrors" → "in_csum_errors". */
export function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}

/**
 * The statistics keys the isolator reports, named as Mesos's ResourceStatistics where it has a
 * flat field (net_tcp_active_connections, net_tcp_time_wait_connections) and
 * net_snmp_<group>_<field> for what Mesos nests under net_snmp_statistics.
 */
export function snmpStatistics(snmp: string, sockstat: string): Map<string, number> {
  const out = new Map<string, number>();
  const groups = parseSnmp(snmp);
  for (const group of ["Tcp", "Udp"]) {
    for (const [field, value] of Object.entries(groups[group] ?? {})) out.set(`net_snmp_${group.toLowerCase()}_${snakeCase(field)}`, value);
  }
  const tcp = parseSockstat(sockstat).TCP;
  if (tcp?.inuse !== undefined) out.set("net_tcp_active_connections", tcp.inuse);
  if (tcp?.tw !== undefined) out.set("net_tcp_time_wait_connections", tcp.tw);
  return out;
}
