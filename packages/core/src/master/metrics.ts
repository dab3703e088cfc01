import { Counter, Gauge, Registry } from "prom-client";
import { rangesSize, type Resources } from "../resources/index.js";
import type { Master } from "./master.js";
import { usedOnAgent } from "./state-view.js";

const LIVE_STATES = ["TASK_STAGING", "TASK_STARTING", "TASK_RUNNING", "TASK_KILLING", "TASK_UNREACHABLE"] as const;
const TERMINAL_COUNTS = ["TASK_FINISHED", "TASK_FAILED", "TASK_KILLED", "TASK_LOST", "TASK_ERROR", "TASK_DROPPED", "TASK_GONE", "TASK_GONE_BY_OPERATOR"] as const;
const SCALARS = ["cpus", "mem", "disk", "gpus"] as const;
/** Counters under their Mesos names (master/<name>). */
const COUNTERS = [
  "slave_registrations",
  "slave_reregistrations",
  "slave_removals",
  "slave_unreachable_completed",
  "slave_unreachable_canceled",
  "slave_unreachable_gc",
  "framework_registrations",
  "framework_reregistrations",
  "framework_removals",
  "valid_status_updates",
  "invalid_status_updates",
  "valid_framework_to_executor_messages",
  "invalid_framework_to_executor_messages",
  "valid_executor_to_framework_messages",
  "invalid_executor_to_framework_messages",
  "tasks_launched",
  "offers_sent",
  "offers_rescinded",
  "offers_timed_out",
] as const;

const stateKey = (s: string) => s.slice("TASK_".length).toLowerCase();

/**
 * Mesos-style metric keys (`master/tasks_running`, `master/cpus_used`, ...) computed from the
 * master's state, for `/metrics/snapshot` and GET_METRICS.
 */
export function metricsSnapshot(master: Master, elected: boolean): Record<string, number> {
  const out: Record<string, number> = {};
  const agents = [...master.agents.values()];
  const frameworks = [...master.frameworks.values()];
  out["master/uptime_secs"] = master.uptimeSeconds();
  out["master/elected"] = elected ? 1 : 0;
  out["master/slaves_active"] = agents.filter((a) => a.connected).length;
  out["master/slaves_inactive"] = agents.filter((a) => !a.connected).length;
  out["master/slaves_connected"] = out["master/slaves_active"];
  out["master/slaves_disconnected"] = out["master/slaves_inactive"];
  out["master/slaves_unreachable"] = master.unreachableAgents.size;
  out["master/frameworks_active"] = frameworks.filter((f) => f.active).length;
  out["master/frameworks_inactive"] = frameworks.filter((f) => !f.active).length;
  out["master/frameworks_connected"] = frameworks.filter((f) => f.connected).length;
  out["master/frameworks_disconnected"] = frameworks.filter((f) => !f.connected).length;
  out["master/outstanding_offers"] = master.offers.size;

  const live = new Map<string, number>(LIVE_STATES.map((s) => [s, 0]));
  for (const fw of frameworks) for (const t of fw.tasks.values()) if (live.has(t.state)) live.set(t.state, live.get(t.state)! + 1);
  for (const [s, n] of live) out[`master/tasks_${stateKey(s)}`] = n;
  for (const s of TERMINAL_COUNTS) out[`master/tasks_${stateKey(s)}`] = master.counters.get(`task_state_${s}`);

  for (const name of SCALARS) {
    let total = 0;
    let used = 0;
    for (const a of agents) {
      total += a.total.scalar(name);
      used += usedOnAgent(master, a.id).scalar(name);
    }
    out[`master/${name}_total`] = total;
    out[`master/${name}_used`] = used;
    out[`master/${name}_percent`] = total > 0 ? used / total : 0;
  }
  for (const pool of master.providerPools()) {
    for (const name of pool.total.plus(pool.used).names()) {
      out[`provider/${pool.id}/${name}/total`] = units(pool.total, name);
      out[`provider/${pool.id}/${name}/used`] = units(pool.used, name);
      out[`provider/${pool.id}/${name}/offered`] = units(pool.offered, name);
    }
  }
  for (const c of COUNTERS) out[`master/${c}`] = master.counters.get(c);
  for (const [name, n] of master.counters.entries()) if (name.startsWith("messages_")) out[`master/${name}`] = n;
  return out;
}

/** How many units of `name`: a scalar's amount, a set's items, a range list's values. */
function units(res: Resources, name: string): number {
  const named = res.named(name);
  const first = named.entries()[0];
  if (first === undefined) return 0;
  if (first.type === "SCALAR") return named.scalar(name);
  if (first.type === "SET") return named.set(name).length;
  return rangesSize(named.ranges(name));
}

const promName = (key: string) => `tessera_${key.replace(/[^a-zA-Z0-9_]/g, "_")}`;

/** A prom-client Registry of its own (never the global one) exposing the snapshot as gauges and counters. */
export function masterPromRegistry(snapshot: () => Record<string, number>): Registry {
  const registry = new Registry();
  let cached: Record<string, number> | undefined;
  // One snapshot per scrape, shared by every metric's collect().
  const read = () => (cached ??= snapshot());
  const counterKeys = new Set<string>([...COUNTERS, ...TERMINAL_COUNTS.map((s) => `tasks_${stateKey(s)}`)].map((k) => `master/${k}`));
  const keys = Object.keys(snapshot()).filter((k) => !k.startsWith("master/messages_") && !k.startsWith("provider/"));
  for (const key of keys) {
    const help = `Mesos metric ${key}`;
    if (counterKeys.has(key)) {
      new Counter({
        name: `${promName(key)}_total`,
        help,
        registers: [registry],
        collect() {
          this.reset();
          this.inc(read()[key] ?? 0);
        },
      });
    } else {
      new Gauge({
        name: promName(key),
        help,
        registers: [registry],
        collect() {
          this.set(read()[key] ?? 0);
        },
      });
    }
  }
  new Counter({
    name: "tessera_master_messages_total",
    help: "Scheduler calls received, by call type",
    labelNames: ["type"],
    registers: [registry],
    collect() {
      this.reset();
      for (const [key, n] of Object.entries(read())) if (key.startsWith("master/messages_")) this.inc({ type: key.slice("master/messages_".length) }, n);
    },
  });
  new Gauge({
    name: "tessera_provider_resources",
    help: "Units of cluster-wide resource providers' pools: total, used by tasks, offered",
    labelNames: ["provider", "resource", "state"],
    registers: [registry],
    collect() {
      this.reset();
      for (const [key, n] of Object.entries(read())) {
        if (!key.startsWith("provider/")) continue;
        const [, provider, ...rest] = key.split("/");
        const state = rest.pop()!;
        this.set({ provider: provider!, resource: rest.join("/"), state }, n);
      }
    },
  });
  const metrics = registry.metrics.bind(registry);
  registry.metrics = async () => {
    cached = undefined;
    try {
      return await metrics();
    } finally {
      cached = undefined;
    }
  };
  return registry;
}
