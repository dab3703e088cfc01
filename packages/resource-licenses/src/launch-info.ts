import type { Resources, TaskLike } from "@tessera/core";
import type { IpPool } from "./ip-pool.js";

/** Label (and env var) with every address the task was given, comma-separated. */
export const IP_ADDRESSES_LABEL = "org.tessera.ip_addresses";
export const IP_ADDRESSES_ENV = "TESSERA_IP_ADDRESSES";

type Label = { key: string; value?: string };
type EnvVar = { name: string; value?: string; [k: string]: unknown };

const envSuffix = (pool: string) => pool.toUpperCase().replace(/[^A-Z0-9]/g, "_");

/**
 * The task as the agent should get it: its IP addresses as labels, which isolation hooks read
 * from the task (a Calico-style isolator assigns them to the container), and as environment
 * variables of its command, which the agent puts into the LaunchPlan:
 * `TESSERA_IP_ADDRESSES=10.0.0.2,10.0.0.3` and `TESSERA_IP_ADDRESSES_<POOL>=...` per pool,
 * labels `org.tessera.ip_addresses` and `org.tessera.ip_addresses.<pool>`.
 */
export function withIpAddresses(task: TaskLike, resources: Resources, pools: readonly IpPool[]): TaskLike {
  const labels: Label[] = [];
  const env: EnvVar[] = [];
  const all: string[] = [];
  for (const pool of pools) {
    const addresses = resources.set(pool.resource);
    if (addresses.length === 0) continue;
    all.push(...addresses);
    labels.push({ key: `${IP_ADDRESSES_LABEL}.${pool.name}`, value: addresses.join(",") });
    env.push({ name: `${IP_ADDRESSES_ENV}_${envSuffix(pool.name)}`, value: addresses.join(",") });
  }
  if (all.length === 0) return task;
  labels.unshift({ key: IP_ADDRESSES_LABEL, value: all.join(",") });
  env.unshift({ name: IP_ADDRESSES_ENV, value: all.join(",") });

  const owned = new Set([...labels.map((l) => l.key)]);
  const oldLabels = ((task.labels as { labels?: Label[] } | undefined)?.labels ?? []).filter((l) => !owned.has(l.key));
  const out: TaskLike = { ...task, labels: { labels: [...oldLabels, ...labels] } };
  if (task.command !== undefined) {
    const names = new Set(env.map((v) => v.name));
    const vars = (task.command.environment?.variables ?? []).filter((v) => !names.has(v.name));
    out.command = { ...task.command, environment: { ...task.command.environment, variables: [...vars, ...env] } };
  }
  return out;
}
