import type { Resources } from "@tessera/core";

const MB = 1024 * 1024;
// Same constants as Mesos's cgroups cpu isolator, so a task gets the same share either way.
const CPU_SHARES_PER_CPU = 1024;
const MIN_CPU_SHARES = 2;
const CFS_PERIOD_US = 100_000;
const MIN_CFS_QUOTA_US = 1_000;
// The Engine refuses a memory limit below 6 MiB.
const MIN_MEMORY_BYTES = 6 * MB;

/** The Engine's HostConfig resource fields a task's resources decide. */
export interface EngineLimits {
  CpuShares?: number;
  CpuPeriod?: number;
  CpuQuota?: number;
  Memory?: number;
  MemorySwap?: number;
}

/**
 * cpus → CPU shares (and a CFS quota when `cfsQuota`), mem → memory limit with swap equal to it,
 * so exceeding mem is an OOM kill rather than swapping. Absent resources leave the field unset.
 */
export function limitsFromResources(resources: Resources, cfsQuota: boolean): EngineLimits {
  const limits: EngineLimits = {};
  const cpus = resources.scalar("cpus");
  if (cpus > 0) {
    limits.CpuShares = Math.max(MIN_CPU_SHARES, Math.round(cpus * CPU_SHARES_PER_CPU));
    if (cfsQuota) {
      limits.CpuPeriod = CFS_PERIOD_US;
      limits.CpuQuota = Math.max(MIN_CFS_QUOTA_US, Math.round(cpus * CFS_PERIOD_US));
    }
  }
  const mem = resources.scalar("mem");
  if (mem > 0) {
    limits.Memory = Math.max(MIN_MEMORY_BYTES, Math.round(mem * MB));
    limits.MemorySwap = limits.Memory;
  }
  return limits;
}
