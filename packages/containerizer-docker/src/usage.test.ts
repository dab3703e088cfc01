import { describe, expect, it } from "vitest";
import { statisticsOf } from "./usage.js";

describe("statisticsOf", () => {
  it("turns Engine stats (cgroup v1) into Mesos ResourceStatistics keys, summing every interface", () => {
    const s = statisticsOf({
      cpu_stats: { cpu_usage: { usage_in_usermode: 1_500_000_000, usage_in_kernelmode: 250_000_000 }, throttling_data: { periods: 10, throttled_periods: 2, throttled_time: 5e8 } },
      memory_stats: { usage: 9_000_000, limit: 16_777_216, stats: { total_rss: 4_000_000, total_cache: 1_000 } },
      networks: { eth0: { rx_bytes: 100, tx_bytes: 40, rx_packets: 2 }, eth1: { rx_bytes: 1, tx_bytes: 2 } },
      pids_stats: { current: 3 },
    });
    expect(s).toMatchObject({
      cpus_user_time_secs: 1.5,
      cpus_system_time_secs: 0.25,
      cpus_nr_periods: 10,
      cpus_nr_throttled: 2,
      cpus_throttled_time_secs: 0.5,
      mem_total_bytes: 9_000_000,
      mem_limit_bytes: 16_777_216,
      mem_rss_bytes: 4_000_000,
      mem_cache_bytes: 1_000,
      net_rx_bytes: 101,
      net_tx_bytes: 42,
      net_rx_packets: 2,
      processes: 3,
    });
  });

  it("reads cgroup v2 memory names and leaves out what the Engine did not report", () => {
    const s = statisticsOf({ memory_stats: { usage: 10, stats: { anon: 7, file: 3 } } });
    expect(s).toEqual({ mem_total_bytes: 10, mem_rss_bytes: 7, mem_cache_bytes: 3 });
  });
});
