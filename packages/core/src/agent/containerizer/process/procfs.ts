// Reading /proc: Node has no API for process groups, start times or per-process usage.
import { readdirSync, readFileSync } from "node:fs";

export interface ProcStat {
  pid: number;
  /** R, S, D, Z (zombie), T, X ... */
  state: string;
  ppid: number;
  pgid: number;
  sid: number;
  /** CPU time in clock ticks (see clockTicks). */
  utime: number;
  stime: number;
  /** Start time in clock ticks after boot: with the boot id, tells a process from a later one with its pid. */
  start: number;
  threads: number;
  /** Resident set in pages (see pageSize). */
  rss: number;
}

/** /proc/<pid>/stat, or undefined when there is no such process. */
export function readProcStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "latin1");
  } catch {
    return undefined;
  }
  // The command name is in parentheses and may itself contain ") ", so split after the last one.
  const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const n = (i: number) => Number(f[i - 3]);
  return { pid, state: f[0] ?? "?", ppid: n(4), pgid: n(5), sid: n(6), utime: n(14), stime: n(15), threads: n(20), start: n(22), rss: n(24) };
}

/** Every process on the host, read in one pass. */
export function scanProcesses(): ProcStat[] {
  const out: ProcStat[] = [];
  for (const name of readdirSync("/proc")) {
    const first = name.charCodeAt(0);
    if (first < 48 || first > 57) continue;
    const st = readProcStat(Number(name));
    if (st) out.push(st);
  }
  return out;
}

/** This boot's id: processes recorded under another one are gone, whatever their pids now name. */
export function bootId(): string {
  return readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
}

let aux: Map<number, number> | undefined;
function auxv(): Map<number, number> {
  if (!aux) {
    aux = new Map();
    try {
      const buf = readFileSync("/proc/self/auxv");
      for (let i = 0; i + 16 <= buf.length; i += 16) aux.set(Number(buf.readBigUInt64LE(i)), Number(buf.readBigUInt64LE(i + 8)));
    } catch {
      // Not Linux on 64 bits: fall back to the usual values below.
    }
  }
  return aux;
}

/** Clock ticks per second of /proc times (AT_CLKTCK). */
export const clockTicks = (): number => auxv().get(17) ?? 100;

/** Bytes per page (AT_PAGESZ). */
export const pageSize = (): number => auxv().get(6) ?? 4096;
