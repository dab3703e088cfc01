import { cpus, totalmem } from "node:os";
import { statfs } from "node:fs/promises";

const MB = 1024 * 1024;

/** What was measured on this machine, in Mesos units (mem and disk in MB). */
export interface MachineFacts {
  cpus: number;
  memMb: number;
  diskMb: number;
}

/** Measures the machine: logical CPUs, physical memory, and the file system holding workDir. */
export async function measureMachine(workDir: string): Promise<MachineFacts> {
  const fs = await statfs(workDir);
  return {
    cpus: cpus().length,
    memMb: Math.floor(totalmem() / MB),
    diskMb: Math.floor((fs.blocks * fs.bsize) / MB),
  };
}

/**
 * The Mesos text of what the agent advertises when `--resources` is not given.
 * Like the Mesos agent, it leaves headroom for the OS: 1 GB of memory (half on small machines)
 * and 5 GB of disk (half on small disks), and offers ports 31000-32000.
 */
export function defaultResourcesText(facts: MachineFacts): string {
  const mem = facts.memMb >= 2048 ? facts.memMb - 1024 : Math.floor(facts.memMb / 2);
  const disk = facts.diskMb >= 10240 ? facts.diskMb - 5120 : Math.floor(facts.diskMb / 2);
  return `cpus:${facts.cpus};mem:${mem};disk:${disk};ports:[31000-32000]`;
}

/** Auto-detected resources for an agent whose operator gave none. */
export async function detectResources(workDir: string): Promise<string> {
  return defaultResourcesText(await measureMachine(workDir));
}
