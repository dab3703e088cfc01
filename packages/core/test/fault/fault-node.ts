// One master or agent as its own OS process for the fault-injection tests, with the failure
// detection knobs short: `node --import tsx test/fault/fault-node.ts master|agent --flag value ...`.
// Prints one JSON line `{"ready":true,"url":...}` on stdout once serving; logs go to stderr.
// SIGTERM stops it cleanly; the tests mostly SIGKILL / SIGSTOP it instead.
import "reflect-metadata";
import { parseArgs } from "node:util";
import { pino } from "pino";
import { ProcessContainerizer } from "../../src/agent/containerizer/index.js";
import { startAgent } from "../../src/agent/index.js";
import { startMaster } from "../../src/master/index.js";

const [role, ...rest] = process.argv.slice(2);
const { values: v } = parseArgs({
  args: rest,
  options: {
    port: { type: "string", default: "0" },
    "work-dir": { type: "string" },
    master: { type: "string" },
    resources: { type: "string" },
    "ping-interval-ms": { type: "string" },
    "max-ping-timeouts": { type: "string" },
    "reregister-timeout-ms": { type: "string" },
    "removal-rate-limit": { type: "string" },
    "retry-ms": { type: "string", default: "300" },
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
const logger = pino({ name: `fault-${role}`, level: process.env.TESSERA_TEST_LOG ?? "warn" }, pino.destination(2));
const retryMs = num("retry-ms")!;

async function main(): Promise<{ url: string; stop: () => Promise<void>; extra: Record<string, unknown> }> {
  if (role === "master") {
    const m = await startMaster({
      port: num("port") ?? 0,
      workDir: need("work-dir"),
      registry: "sqlite",
      logger,
      allocationIntervalMs: 100,
      heartbeatIntervalMs: 1000,
      agentPingIntervalMs: num("ping-interval-ms") ?? 300,
      maxAgentPingTimeouts: num("max-ping-timeouts") ?? 5,
      agentReregisterTimeoutMs: num("reregister-timeout-ms") ?? 10_000,
      ...(v["removal-rate-limit"] !== undefined && { agentRemovalRateLimit: v["removal-rate-limit"] }),
      statusUpdateRetryMinMs: retryMs,
      statusUpdateRetryMaxMs: retryMs * 2,
    });
    return { url: m.url, stop: () => m.stop(), extra: { masterId: m.master.id, port: m.port } };
  }
  if (role === "agent") {
    const a = await startAgent({
      masterUrl: need("master"),
      port: num("port") ?? 0,
      workDir: need("work-dir"),
      ...(v.resources !== undefined && { resources: v.resources }),
      logger,
      statusUpdateRetry: { initialMs: retryMs, maxMs: retryMs * 2 },
      registrationBackoff: { initialMs: 50, maxMs: 500 },
      parts: { containerizer: new ProcessContainerizer({ pollIntervalMs: 50 }) },
    });
    while (a.agentId() === undefined) await new Promise((r) => setTimeout(r, 20));
    return { url: a.url, stop: () => a.stop({ killTasks: true }), extra: { agentId: a.agentId() } };
  }
  throw new Error(`fault-node: first argument must be "master" or "agent", got ${JSON.stringify(role)}`);
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
