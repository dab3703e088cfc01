// IPv4/IPv6 addresses and CIDR blocks as bigints. Hand-written: node:net validates addresses but
// has no prefix arithmetic, and the few operations needed here do not justify a dependency.
import { isIPv4, isIPv6 } from "node:net";

export type IpVersion = 4 | 6;

export interface Address {
  readonly version: IpVersion;
  readonly value: bigint;
}

/** A CIDR block with its host bits zero, e.g. 10.0.0.0/29. */
export interface Cidr {
  readonly version: IpVersion;
  readonly base: bigint;
  readonly prefix: number;
}

const BITS: Record<IpVersion, number> = { 4: 32, 6: 128 };

/** Reads an address; returns a problem string when it is not one. */
export function parseAddress(text: string): Address | string {
  if (isIPv4(text)) {
    const value = text.split(".").reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
    return { version: 4, value };
  }
  if (isIPv6(text)) return { version: 6, value: parseIPv6(text) };
  return `${JSON.stringify(text)} is not an IPv4 or IPv6 address`;
}

function parseIPv6(text: string): bigint {
  // isIPv6 already accepted it: at most one "::", an optional dotted IPv4 tail, no zone id.
  let s = text;
  let tail: bigint[] = [];
  if (s.includes(".")) {
    const colon = s.lastIndexOf(":");
    const v4 = (parseAddress(s.slice(colon + 1)) as Address).value;
    tail = [v4 >> 16n, v4 & 0xffffn];
    s = s.slice(0, colon + 1);
    if (!s.endsWith("::")) s = s.slice(0, -1);
  }
  const hex = (p: string) => (p === "" ? [] : p.split(":").map((g) => BigInt(`0x${g}`)));
  const gap = s.indexOf("::");
  let groups: bigint[];
  if (gap < 0) groups = [...hex(s), ...tail];
  else {
    const left = hex(s.slice(0, gap));
    const right = [...hex(s.slice(gap + 2)), ...tail];
    groups = [...left, ...new Array<bigint>(8 - left.length - right.length).fill(0n), ...right];
  }
  return groups.reduce((acc, g) => (acc << 16n) | g, 0n);
}

/** Canonical text: dotted quad, or RFC 5952 IPv6 (lower case, longest zero run as "::"). */
export function formatAddress(a: Address): string {
  if (a.version === 4) return [24n, 16n, 8n, 0n].map((s) => String((a.value >> s) & 0xffn)).join(".");
  const groups = Array.from({ length: 8 }, (_, i) => Number((a.value >> BigInt(112 - 16 * i)) & 0xffffn));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(":");
  return `${hex.slice(0, best).join(":")}::${hex.slice(best + bestLen).join(":")}`;
}

/** Reads "a.b.c.d/n" or "x::y/n" (a bare address is a /32 or /128); returns a problem string when invalid. */
export function parseCidr(text: string): Cidr | string {
  const slash = text.indexOf("/");
  const addrText = slash < 0 ? text : text.slice(0, slash);
  const addr = parseAddress(addrText);
  if (typeof addr === "string") return addr;
  const bits = BITS[addr.version];
  let prefix = bits;
  if (slash >= 0) {
    const p = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p) || Number(p) > bits) return `${JSON.stringify(text)}: prefix length must be 0-${bits}`;
    prefix = Number(p);
  }
  const host = (1n << BigInt(bits - prefix)) - 1n;
  if ((addr.value & host) !== 0n) {
    const base = formatAddress({ version: addr.version, value: addr.value & ~host });
    return `${JSON.stringify(text)} has host bits set; did you mean ${base}/${prefix}?`;
  }
  return { version: addr.version, base: addr.value, prefix };
}

export function cidrSize(c: Cidr): bigint {
  return 1n << BigInt(BITS[c.version] - c.prefix);
}

export function cidrContains(c: Cidr, a: Address): boolean {
  return c.version === a.version && a.value >= c.base && a.value < c.base + cidrSize(c);
}

/** Two blocks overlap exactly when one contains the other's first address. */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.version === b.version && (cidrContains(a, { version: b.version, value: b.base }) || cidrContains(b, { version: a.version, value: a.base }));
}

export function formatCidr(c: Cidr): string {
  return `${formatAddress({ version: c.version, value: c.base })}/${c.prefix}`;
}

/** Every address of the block, lowest first. */
export function* cidrAddresses(c: Cidr): Generator<Address> {
  const end = c.base + cidrSize(c);
  for (let v = c.base; v < end; v++) yield { version: c.version, value: v };
}
