import { formatRanges, mergeRanges, type Range } from "@tessera/core";

/** Ports below this are reserved for the host's well-known services. */
export const WELL_KNOWN_PORTS_END = 1023;

/**
 * Parses Mesos range text such as `[31000-32000]` or `[31000-31099, 33000-33000]` into merged
 * ranges. Throws a message naming the bad part; `what` says which option or resource it is.
 */
export function parsePortRanges(text: string, what?: string): Range[] {
  const fail = (problem: string): never => {
    throw new Error(what ? `${what}: ${problem}` : problem);
  };
  const m = /^\s*\[(.*)\]\s*$/.exec(text);
  if (!m) return fail("expected ranges like [31000-32000]");
  const body = m[1]!.trim();
  if (body === "") fail("expected at least one range inside [ ]");
  const out: Range[] = [];
  for (const part of body.split(",")) {
    const r = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(part);
    if (!r) return fail(`expected begin-end, found ${JSON.stringify(part.trim())}`);
    const begin = Number(r[1]);
    const end = Number(r[2]);
    if (end > 65535) fail(`port ${end} in [${begin}-${end}] is above 65535`);
    if (begin > end) fail(`range [${begin}-${end}] is empty`);
    out.push([begin, end]);
  }
  return mergeRanges(out);
}

/** Number of ports in the list. */
export function countPorts(ranges: readonly Range[]): number {
  return ranges.reduce((n, r) => n + r[1] - r[0] + 1, 0);
}

/** True when some port is in both lists. */
export function rangesIntersect(a: readonly Range[], b: readonly Range[]): boolean {
  return a.some((x) => b.some((y) => x[0] <= y[1] && y[0] <= x[1]));
}

/** A port and mask as a u32 `match ip dport <port> <mask>` selector: every port p with (p & mask) === port. */
export interface PortMask {
  port: number;
  mask: number;
}

/**
 * Splits ranges into power-of-two aligned blocks, each one u32 port/mask match (like CIDR
 * blocks of addresses). u32 cannot match an arbitrary range and flower (which can) is not in
 * every kernel, so every port range is expressed this way.
 */
export function alignedBlocks(ranges: readonly Range[]): PortMask[] {
  const out: PortMask[] = [];
  for (const [begin, end] of mergeRanges(ranges)) {
    let p = begin;
    while (p <= end) {
      // Largest block that starts at p (alignment) and stays inside [p, end].
      let size = p === 0 ? 65536 : p & -p;
      while (size > end - p + 1) size >>= 1;
      out.push({ port: p, mask: 0xffff & ~(size - 1) });
      p += size;
    }
  }
  return out;
}

/** The inclusive range a port/mask block covers. */
export function blockRange(b: PortMask): Range {
  return [b.port, b.port + (~b.mask & 0xffff)];
}

export const showRanges = formatRanges;
