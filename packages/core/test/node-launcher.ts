// Starts one master or one agent in this process, for tests and benches that need them as
// separate processes: `node --import tsx test/node-launcher.ts master|agent --flag value ...`.
// Prints one JSON line `{"ready":true,"url":...}` on stdout once serving; logs go to stderr.
// SIGTERM/SIGINT stop it cleanly (an agent kills its tasks first).
import "reflect-metadata";
import { parseArgs } from "node:util";
import { pino } from "pino";
import { ProcessContainerizer } from "../src/agent/containerizer/index.js";
import { startAgent } from "../src/agent/index.js";
import { startMaster } from "../src/master/index.js";

const [role, ...rest] = process.argv.slice(2);
const { values: v } = parseArgs({
  args: rest,
  options: {
    port: { type: "string", default: "0" },
    "work-dir": { type: "string" },
    master: { type: "string" },
    resources: { type: "string" },
    "allocation-interval-ms": { type: "string" },
    "heartbeat-interval-ms": { type: "string" },
    "offer-timeout-ms": { type: "string" },
    "status-retry-min-ms": { type: "string" },
    "status-retry-max-ms": { type: "string" },
    "poll-interval-ms": { type: "string" },
    "ping-interval-ms": { type: "string" },
    "max-ping-timeouts": { type: "string" },
    "reregister-timeout-ms": { type: "string" },
    "removal-rate-limit": { type: "string" },
    "registration-backoff-max-ms": { type: "string" },
    registry: { type: "string", default: "sqlite" },
  },
});

const num = (name: keyof typeof v): number | undefined => {
  const raw = v[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (typeof raw !== "string" || !Number.isFinite(n) || n < 0) throw new Error(`--${name}: expected a non-negative number, got ${JSON.stringify(raw)}`);
  return n;
};
const need = (name: "work-dir" | "master"): string => {
  const value = v[name];
  if (value === undefined) throw new Error(`${role}: --${name} is required`);
  return value;
};
const logger = pino({ name: `tessera-${role}`, level: process.env.TESSERA_TEST_LOG ?? "warn" }, pino.destination(2));

async function main(): Promise<{ url: string; stop: () => Promise<void>; extra: Record<string, unknown> }> {
  if (role === "master") {
    const registry = v.registry;
    if (registry !== "sqlite" && registry !== "memory") throw new Error(`--registry: expected sqlite or memory, got ${JSON.stringify(registry)}`);
    const retryMin = num("status-retry-min-ms");
    const retryMax = num("status-retry-max-ms");
    const m = await startMaster({
      port: num("port") ?? 0,
      workDir: need("work-dir"),
      registry,
      logger,
      ...(num("allocation-interval-ms") !== undefined && { allocationIntervalMs: num("allocation-interval-ms") }),
      ...(num("heartbeat-interval-ms") !== undefined && { heartbeatIntervalMs: num("heartbeat-interval-ms") }),
      ...(num("offer-timeout-ms") !== undefined && { offerTimeoutMs: num("offer-timeout-ms") }),
      ...(retryMin !== undefined && { statusUpdateRetryMinMs: retryMin }),
      ...(retryMax !== undefined && { statusUpdateRetryMaxMs: retryMax }),
      ...(num("ping-interval-ms") !== undefined && { agentPingIntervalMs: num("ping-interval-ms") }),
      ...(num("max-ping-timeouts") !== undefined && { maxAgentPingTimeouts: num("max-ping-timeouts") }),
      ...(num("reregister-timeout-ms") !== undefined && { agentReregisterTimeoutMs: num("reregister-timeout-ms") }),
      ...(v["removal-rate-limit"] !== undefined && { agentRemovalRateLimit: v["removal-rate-limit"] }),
    });
    return { url: m.url, stop: () => m.stop(), extra: { masterId: m.master.id, port: m.port } };
  }
  if (role === "agent") {
    const retryMin = num("status-retry-min-ms");
    const a = await startAgent({
      masterUrl: need("master"),
      port: num("port") ?? 0,
      workDir: need("work-dir"),
      ...(v.resources !== undefined && { resources: v.resources }),
      logger,
      ...(retryMin !== undefined && { statusUpdateRetry: { initialMs: retryMin, maxMs: num("status-retry-max-ms") ?? retryMin * 8 } }),
      registrationBackoff: { initialMs: 50, maxMs: num("registration-backoff-max-ms") ?? 1000 },
      parts: { containerizer: new ProcessContainerizer({ pollIntervalMs: num("poll-interval-ms") ?? 50 }) },
    });
    // Ready only once the master admitted it, so a test can count on its offers.
    while (a.agentId() === undefined) await new Promise((r) => setTimeout(r, 20));
    return { url: a.url, stop: () => a.stop({ killTasks: true }), extra: { agentId: a.agentId(), pid: process.pid } };
  }
  throw new Error(`node-launcher: first argument must be "master" or "agent", got ${JSON.stringify(role)}`);
}

main().then(
  ({ url, stop, extra }) => {
    process.stdout.write(`${JSON.stringify({ ready: true, url, ...extra })}\n`);
    let stopping = false;
    const shutdown = () => {
      if (stopping) return;
      stopping = true;
      stop().then(
        () => process.exit(0),
        (e: unknown) => {
          process.stderr.write(`stop failed: ${e instanceof Error ? e.message : String(e)}\n`);
          process.exit(1);
        },
      );
    };
    process.on("SIGTERM", shutdown);
    process.on("SIGINT", shutdown);
  },
  (e: unknown) => {
    process.stderr.write(`${role}: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  },
);
