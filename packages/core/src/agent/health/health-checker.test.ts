import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { createServer as createTcpServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { eventually } from "../../../test/support/eventually.js";
import type * as m from "../../api/mesos/index.js";
import { HealthChecker, healthPolicy, type HealthPolicy } from "./health-checker.js";
import { HealthCheckError, probeFor } from "./probes.js";

const FAST: HealthPolicy = { delayMs: 0, intervalMs: 30, timeoutMs: 500, consecutiveFailures: 3, gracePeriodMs: 0 };
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Runs a checker and records what it reports. */
function watch(policy: HealthPolicy, probe: Parameters<typeof probeFor>[0] | ((s: AbortSignal) => Promise<void>)) {
  const changes: Array<[boolean, string]> = [];
  let killed: string | undefined;
  const run = typeof probe === "function" ? probe : probeFor(probe, {});
  const checker = new HealthChecker(policy, run, { onHealthChanged: (h, msg) => changes.push([h, msg]), onUnhealthy: (msg) => void (killed = msg) });
  checker.start();
  cleanups.push(() => checker.stop());
  return { checker, changes, killed: () => killed };
}

const POLL = { timeoutMs: 5000, intervalMs: 10 };

async function httpServer(status: { code: number }): Promise<number> {
  const server: Server = createServer((req, res) => res.writeHead(req.url === "/health" ? status.code : 404).end());
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  return (server.address() as AddressInfo).port;
}

describe("task health checks", () => {
  it("HTTP: reports healthy, then unhealthy when the endpoint fails, and asks for a kill after consecutive failures", async () => {
    const status = { code: 200 };
    const port = await httpServer(status);
    const w = watch(FAST, { type: "HTTP", http: { protocol: "TCP" as never, port, path: "/health" } } as m.HealthCheck);
    await eventually("healthy", () => w.changes.length === 1, POLL);
    expect(w.changes[0]![0]).toBe(true);
    status.code = 503;
    await eventually("killed", () => w.killed() !== undefined, POLL);
    expect(w.changes.map(([h]) => h)).toEqual([true, false]);
    expect(w.killed()).toMatch(/3 consecutive health checks; last: GET http:\/\/127\.0\.0\.1:\d+\/health answered 503/);
  });

  it("HTTP: a success in between resets the count of consecutive failures", async () => {
    const port = await httpServer({ code: 200 });
    let n = 0;
    const http = probeFor({ type: "HTTP", http: { protocol: "TCP" as never, port, path: "/health" } } as m.HealthCheck, {});
    // fail, fail, pass, fail, fail, pass ...: never three in a row
    const w = watch({ ...FAST, intervalMs: 5 }, (s) => (++n % 3 === 0 ? http(s) : Promise.reject(new Error("down"))));
    await eventually("many checks", () => n >= 12, POLL);
    expect(w.killed()).toBeUndefined();
    expect(w.checker.consecutiveFailures).toBeLessThan(3);
  });

  it("TCP: healthy while the port accepts connections, unhealthy once it is closed", async () => {
    const server = createTcpServer((s) => s.destroy());
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    const w = watch(FAST, { type: "TCP", tcp: { protocol: "TCP" as never, port } } as m.HealthCheck);
    await eventually("healthy", () => w.changes.length === 1, POLL);
    await new Promise<void>((r) => server.close(() => r()));
    await eventually("killed", () => w.killed() !== undefined, POLL);
    expect(w.changes.map(([h]) => h)).toEqual([true, false]);
    expect(w.changes[1]![1]).toMatch(new RegExp(`TCP connect to 127.0.0.1:${port} failed`));
  });

  it("COMMAND: exit status decides, in the task's sandbox and environment; a hung command times out", async () => {
    const dir = await mkdtemp(join(tmpdir(), "health-"));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const check = { type: "COMMAND", command: { value: 'test -f "$FLAG"' } } as m.HealthCheck;
    const probe = probeFor(check, { cwd: dir, env: { PATH: process.env.PATH!, FLAG: "ready" } });
    await expect(probe(new AbortController().signal)).rejects.toThrow("command check exited with status 1");
    await writeFile(join(dir, "ready"), "");
    await expect(probe(new AbortController().signal)).resolves.toBeUndefined();
    const hung = watch({ ...FAST, timeoutMs: 100, consecutiveFailures: 1 }, { type: "COMMAND", command: { value: "sleep 30" } } as m.HealthCheck);
    await eventually("killed", () => hung.killed() !== undefined, POLL);
    expect(hung.killed()).toMatch(/timed out after 0.1 s/);
  });

  it("ignores failures inside the grace period until the first success", async () => {
    let ok = false;
    const w = watch({ ...FAST, gracePeriodMs: 300, consecutiveFailures: 1 }, () => (ok ? Promise.resolve() : Promise.reject(new Error("starting"))));
    await new Promise((r) => setTimeout(r, 150));
    expect(w.changes).toEqual([]);
    expect(w.killed()).toBeUndefined();
    ok = true;
    await eventually("healthy", () => w.changes.length === 1, POLL);
    ok = false;
    await eventually("killed", () => w.killed() !== undefined, POLL);
    expect(w.changes.map(([h]) => h)).toEqual([true, false]);
  });

  it("uses Mesos's defaults and names a malformed check", () => {
    expect(healthPolicy({ type: "TCP", tcp: { protocol: "TCP" as never, port: 1 } } as m.HealthCheck)).toEqual({
      delayMs: 15_000,
      intervalMs: 10_000,
      timeoutMs: 20_000,
      consecutiveFailures: 3,
      gracePeriodMs: 10_000,
    });
    expect(() => probeFor({ type: "HTTP" } as m.HealthCheck, {}, "task_infos[0].health_check")).toThrow(HealthCheckError);
    expect(() => probeFor({ type: "HTTP" } as m.HealthCheck, {}, "task_infos[0].health_check")).toThrow("task_infos[0].health_check.http: an HTTP check needs http.port");
    expect(() => probeFor({ type: "HTTP", http: { port: 1, scheme: "gopher" } } as m.HealthCheck, {})).toThrow('health_check.http.scheme: expected http or https, got "gopher"');
    expect(() => probeFor({ type: "UNKNOWN" } as m.HealthCheck, {})).toThrow('health_check.type: expected COMMAND, HTTP or TCP, got "UNKNOWN"');
  });
});
