// Rates and sizes as operators write them for tc: "10mbit", "1gbit", "125kbps", "32kb".

const RATE_UNITS: Record<string, number> = {
  bit: 1,
  kbit: 1e3,
  mbit: 1e6,
  gbit: 1e9,
  tbit: 1e12,
  bps: 8,
  kbps: 8e3,
  mbps: 8e6,
  gbps: 8e9,
};

const SIZE_UNITS: Record<string, number> = { b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3 };

/** Bits per second from "10mbit" / "1.5gbit" / "125kbps" (bytes) or a plain number of bits per second. */
export function parseRate(value: string | number): number {
  if (typeof value === "number") return value;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$/i.exec(value);
  const unit = m ? RATE_UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) {
    throw new Error(`expected a rate such as "10mbit", "1gbit" or "500kbps"`);
  }
  return Math.round(Number(m[1]) * unit);
}

/** Bytes from "32kb" / "1mb" / "1500" (bytes) or a plain number of bytes. */
export function parseSize(value: string | number): number {
  if (typeof value === "number") return value;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
  const unit = m ? SIZE_UNITS[(m[2] || "b").toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new Error(`expected a size such as "32kb", "1mb" or 1500`);
  return Math.round(Number(m[1]) * unit);
}

/** A rate as tc reads it, in whole bits per second. */
export function tcRate(bitsPerSecond: number): string {
  return `${Math.max(1, Math.round(bitsPerSecond))}bit`;
}
