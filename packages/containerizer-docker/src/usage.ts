// Engine stats (GET /containers/{id}/stats) in the keys of Mesos's ResourceStatistics, which
// the agent's /monitor/statistics and the oversubscription hooks read.

/** The parts of an Engine stats document this reads (cgroup v1 and v2 shapes). */
export interface EngineStats {
  cpu_stats?: {
    cpu_usage?: { total_usage?: number; usage_in_usermode?: number; usage_in_kernelmode?: number };
    throttling_data?: { periods?: number; throttled_periods?: number; throttled_time?: number };
  };
  memory_stats?: { usage?: number; max_usage?: number; limit?: number; stats?: Record<string, number> };
  networks?: Record<string, { rx_bytes?: number; rx_packets?: number; rx_errors?: number; rx_dropped?: number; tx_bytes?: number; tx_packets?: number; tx_errors?: number; tx_dropped?: number }>;
  pids_stats?: { current?: number };
}

const NS = 1e9;

export function statisticsOf(s: EngineStats): Record<string, number> {
  const out: Record<string, number> = {};
  const set = (key: string, v: number | undefined) => {
    if (typeof v === "number" && Number.isFinite(v)) out[key] = v;
  };
  const cpu = s.cpu_stats;
  set("cpus_user_time_secs", cpu?.cpu_usage?.usage_in_usermode !== undefined ? cpu.cpu_usage.usage_in_usermode / NS : undefined);
  set("cpus_system_time_secs", cpu?.cpu_usage?.usage_in_kernelmode !== undefined ? cpu.cpu_usage.usage_in_kernelmode / NS : undefined);
  set("cpus_nr_periods", cpu?.throttling_data?.periods);
  set("cpus_nr_throttled", cpu?.throttling_data?.throttled_periods);
  set("cpus_throttled_time_secs", cpu?.throttling_data?.throttled_time !== undefined ? cpu.throttling_data.throttled_time / NS : undefined);

  const mem = s.memory_stats;
  const st = mem?.stats ?? {};
  set("mem_total_bytes", mem?.usage);
  set("mem_limit_bytes", mem?.limit);
  // cgroup v1 names first (this Engine), then v2.
  set("mem_rss_bytes", st.total_rss ?? st.rss ?? st.anon);
  set("mem_cache_bytes", st.total_cache ?? st.cache ?? st.file);
  set("mem_mapped_file_bytes", st.total_mapped_file ?? st.mapped_file ?? st.file_mapped);
  set("mem_swap_bytes", st.total_swap ?? st.swap);

  if (s.networks) {
    const sum = (k: keyof NonNullable<EngineStats["networks"]>[string]) =>
      Object.values(s.networks!).reduce((n, i) => n + (i[k] ?? 0), 0);
    set("net_rx_bytes", sum("rx_bytes"));
    set("net_rx_packets", sum("rx_packets"));
    set("net_rx_errors", sum("rx_errors"));
    set("net_rx_dropped", sum("rx_dropped"));
    set("net_tx_bytes", sum("tx_bytes"));
    set("net_tx_packets", sum("tx_packets"));
    set("net_tx_errors", sum("tx_errors"));
    set("net_tx_dropped", sum("tx_dropped"));
  }
  set("processes", s.pids_stats?.current);
  return out;
}
