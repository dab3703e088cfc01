import { BandwidthPool } from "./bandwidth-pool.js";
import { HttpLicenseServerSource, type LicenseServerCount } from "./http-license-source.js";
import { IpPool } from "./ip-pool.js";
import { LicensePool } from "./license-pool.js";
import { StaticSource, type LicenseCountSource } from "./license-source.js";
import { poolBlocks, type LicenseModuleOptions } from "./options.js";
import type { Pool, PoolKind } from "./pool.js";
import { PoolProvider, PROVIDER_IDS, PROVIDER_KINDS } from "./pool-provider.js";

interface Log {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface BuiltProviders {
  /** One provider per kind that has pools. */
  providers: PoolProvider[];
  /** Seat count sources by pool, started when the master registers the providers. */
  sources: Array<{ pool: string; source: LicenseCountSource; provider: PoolProvider }>;
  /** Where license servers' new counts go once the module has its registry namespace. */
  counts: { save?: (pool: string, count: LicenseServerCount) => void };
  ipPools: IpPool[];
}

/** Pools and providers as the (validated) options describe them. */
export function buildProviders(o: LicenseModuleOptions, log: Log): BuiltProviders {
  const byKind: Record<PoolKind, Pool[]> = { license: [], ip: [], bandwidth: [] };
  const sources: Array<{ pool: string; source: LicenseCountSource }> = [];
  const counts: BuiltProviders["counts"] = {};
  for (const [name, v] of Object.entries(o.licenses)) {
    const spec = typeof v === "number" ? { count: v } : v;
    const source: LicenseCountSource =
      spec.server !== undefined
        ? new HttpLicenseServerSource({ ...spec.server, log, onAnswer: (c) => counts.save?.(name, c) })
        : new StaticSource(spec.count ?? 0);
    sources.push({ pool: name, source });
    byKind.license.push(new LicensePool({ name, resource: spec.resource ?? name, roles: spec.roles, perOffer: spec.perOffer }, source));
  }
  const ipPools: IpPool[] = [];
  for (const [name, v] of Object.entries(o.ipPools)) {
    const pool = new IpPool({ name, resource: v.resource ?? `ips.${name}`, ...poolBlocks(v), roles: v.roles, perOffer: v.perOffer });
    ipPools.push(pool);
    byKind.ip.push(pool);
  }
  for (const [link, v] of Object.entries(o.bandwidth)) {
    const spec = typeof v === "number" ? { mbps: v } : v;
    byKind.bandwidth.push(new BandwidthPool({ name: link, resource: spec.resource ?? `bandwidth.${link}`, roles: spec.roles, perOffer: spec.perOffer }, spec.mbps));
  }
  const providers: PoolProvider[] = [];
  for (const kind of ["license", "ip", "bandwidth"] as const) {
    if (byKind[kind].length > 0) providers.push(new PoolProvider(PROVIDER_IDS[kind], PROVIDER_KINDS[kind], byKind[kind], log));
  }
  const licenses = providers.find((p) => p.id === PROVIDER_IDS.license);
  return { providers, sources: sources.map((s) => ({ ...s, provider: licenses! })), counts, ipPools };
}
