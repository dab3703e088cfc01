// Container network setup + teardown time (prepare + cleanup: namespace, veth pair, addresses,
// sysctls, filters on four devices) against creating and deleting a bare network namespace, in
// the same run, inside a private host namespace. Needs root; says so and skips otherwise.
import { Resources } from "@tessera/core";
import { pathToFileURL } from "node:url";
import { Testbed } from "../src/__fixtures__/testbed.js";
import { NetExec } from "../src/net-exec.js";
import { NetnsManager } from "../src/netns-manager.js";
import { PortMapper } from "../src/port-mapper.js";

const N = Number(process.env.PORTMAP_BENCH_N ?? 20);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

export async function run(): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.log("portmap: skipped (needs root to create namespaces, veths and tc filters)");
    return;
  }
  const bed = Testbed.create();
  try {
    const mapper = await PortMapper.create(bed.options());
    const netns = new NetnsManager(new NetExec(), "/var/run/netns");
    const setupTeardown: number[] = [];
    const setups: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < N; i++) {
      const ref = { containerId: `bench${i}`, frameworkId: "fw", agentId: "a", taskId: `t${i}`, sandbox: "/tmp" };
      const req = { ...ref, task: { task_id: { value: ref.taskId } }, resources: Resources.parse("cpus:1;ports:[31000-31009]") };
      const s = await time(() => mapper.prepare({ env: {}, mounts: [], labels: {} }, req));
      const t = await time(() => mapper.cleanup(ref));
      setups.push(s);
      setupTeardown.push(s + t);
      // Interleaved, so both see the same machine load.
      bare.push(await time(async () => {
        await netns.create(`${bed.prefix}-bare${i}`);
        await netns.remove(`${bed.prefix}-bare${i}`);
      }));
    }
    const st = median(setupTeardown);
    const b = median(bare);
    console.log(`portmap: setup_teardown_median_ms=${st.toFixed(1)} bare_netns_median_ms=${b.toFixed(1)} ratio=${(st / b).toFixed(1)} (n=${N})`);
    console.log(`portmap: setup_median_ms=${median(setups).toFixed(1)} teardown_median_ms=${(st - median(setups)).toFixed(1)} (approx.)`);
  } finally {
    bed.destroy();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await run();
