// Allocation cycle time with and without this module, 10k agents, on the shape of Mesos's
// HierarchicalAllocator_BENCHMARK_Test.DeclineOffers (agents with 24 cpus of which 16 are in use,
// 100 frameworks that decline every offer at once, so every agent is offered in every cycle).
// "with module" taps the allocation hooks exactly as the module does, over its pools; pool units
// then ride along with agent offers. The clusters' cycles are interleaved and timed in CPU time
// after a forced GC, so load from elsewhere on the machine and garbage from the declines (not
// timed) hit every side alike.
// Run: npm run bench -w @tessera/resource-licenses   (LICENSES_BENCH_AGENTS, LICENSES_BENCH_CYCLES)
import { pathToFileURL } from "node:url";
import { AllocationHooks, HierarchicalAllocator, Resources } from "@tessera/core";
import { buildProviders } from "../src/build-providers.js";
import { OfferShaper } from "../src/offer-shaper.js";
import { LicenseModuleOptions, type LicenseModuleOptionsInput } from "../src/options.js";

const ROLE = "role1";
const AGENT_TOTAL = Resources.parse("cpus:24;mem:4096;disk:4096;ports:[31000-32000]");
const IN_USE = Resources.parse("cpus:16;mem:2014;disk:1024").allocatedTo(ROLE);
const FRAMEWORKS = 100;
const quiet = { info() {}, warn() {} };

const SETUPS: Array<{ name: string; options?: LicenseModuleOptionsInput }> = [
  { name: "without module" },
  { name: "with module: 2 licenses + 1 link", options: { licenses: { matlab: 100, ansys: { count: 20, perOffer: 2 } }, bandwidth: { wan: 10_000 } } },
  {
    name: "with module: + 1024-address IP pool, 4 per offer",
    options: { licenses: { matlab: 100, ansys: { count: 20, perOffer: 2 } }, bandwidth: { wan: 10_000 }, ipPools: { public: { cidrs: ["10.0.0.0/22"], perOffer: 4 } } },
  },
];

interface Side {
  name: string;
  a: HierarchicalAllocator;
  cpuMs: number[];
  poolEntries: number;
}

function cluster(name: string, options: LicenseModuleOptionsInput | undefined, agents: number): Side {
  const { hooks } = new AllocationHooks();
  const a = new HierarchicalAllocator({ hooks });
  if (options !== undefined) {
    const { providers } = buildProviders(LicenseModuleOptions.parse(options), quiet);
    const shaper = new OfferShaper(providers);
    hooks.filterOffer.tap("@tessera/resource-licenses", (c) => shaper.veto(c));
    hooks.beforeOffer.tap("@tessera/resource-licenses", (c) => shaper.shape(c));
    for (const p of providers) a.addClusterResources(p.id, p.resources());
  }
  for (let f = 0; f < FRAMEWORKS; f++) a.addFramework(`framework-${f}`, { roles: [ROLE] });
  for (let i = 0; i < agents; i++) {
    a.addAgent(`agent-${i}`, { hostname: `host-${i}`, total: AGENT_TOTAL, allocated: new Map([[`framework-${i % FRAMEWORKS}`, IN_USE]]) });
  }
  return { name, a, cpuMs: [], poolEntries: 0 };
}

function cycle(side: Side, now: number): void {
  (globalThis as { gc?: () => void }).gc?.();
  const before = process.cpuUsage();
  const offers = side.a.allocate(now);
  const used = process.cpuUsage(before);
  side.cpuMs.push((used.user + used.system) / 1000);
  for (const o of offers) {
    side.poolEntries += o.resources.filter((e) => e.providerId !== undefined).size;
    side.a.recoverResources(o.frameworkId, o.agentId, o.resources, { refuseSeconds: 0 }, now);
  }
}

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;

export async function run(): Promise<void> {
  const agents = Number(process.env.LICENSES_BENCH_AGENTS ?? 10_000);
  const cycles = Number(process.env.LICENSES_BENCH_CYCLES ?? 20);
  if ((globalThis as { gc?: unknown }).gc === undefined) console.log("(run with --expose-gc for steadier numbers)");
  const sides = SETUPS.map((s) => cluster(s.name, s.options, agents));
  for (let c = 0; c < cycles + 2; c++) {
    for (const side of c % 2 === 0 ? sides : [...sides].reverse()) cycle(side, c * 1000);
  }
  // The first two cycles warm the JIT; they are left out.
  for (const side of sides) side.cpuMs.splice(0, 2);
  const base = median(sides[0]!.cpuMs);
  for (const side of sides) {
    const m = median(side.cpuMs);
    console.log(
      `allocation cycle: agents=${agents} frameworks=${FRAMEWORKS} cycles=${cycles} ${side.name}: cpu_median_ms=${m.toFixed(1)} ` +
        `pool_entries_offered_per_cycle=${Math.round(side.poolEntries / (cycles + 2))} overhead=${(((m - base) / base) * 100).toFixed(0)}%`,
    );
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await run();
