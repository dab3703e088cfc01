import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { silentLog } from "./__fixtures__/silent-log.js";
import { HttpLicenseServerSource } from "./http-license-source.js";

/** A license server whose answer the test sets; `null` hangs up, "slow" never answers. */
async function licenseServer(): Promise<{ url: string; answer: unknown; hits: number; close(): Promise<void> }> {
  const state = { answer: { total: 5, used_outside_cluster: 1 } as unknown, hits: 0 };
  const server: Server = createServer((req, res) => {
    state.hits++;
    if (state.answer === null) return req.socket.destroy();
    if (state.answer === "slow") return;
    if (typeof state.answer === "number") return res.writeHead(state.answer).end("down for maintenance");
    res.writeHead(200, { "Content-Type": "application/json" }).end(typeof state.answer === "string" ? state.answer : JSON.stringify(state.answer));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/licenses/matlab`;
  return Object.assign(state, {
    url,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  });
}

describe("HttpLicenseServerSource", () => {
  const cleanup: Array<() => unknown> = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0)) await c();
  });

  async function setup(intervalMs = 60_000) {
    const server = await licenseServer();
    const log = silentLog();
    const source = new HttpLicenseServerSource({ url: server.url, intervalMs, timeoutMs: 200, backoffMaxMs: 240_000, log: log as never });
    cleanup.push(() => source.stop(), () => server.close());
    let changes = 0;
    await source.start(() => changes++);
    return { server, source, log, changes: () => changes };
  }

  it("offers the total minus the seats used outside the cluster, and says when that changes", async () => {
    const { server, source, changes } = await setup();
    expect(source.available()).toBe(4);
    expect(changes()).toBe(1);
    server.answer = { total: 5, used_outside_cluster: 4, vendor: "flexlm" };
    await source.poll();
    expect(source.available()).toBe(1);
    expect(changes()).toBe(2);
    await source.poll();
    expect(changes()).toBe(2);
  });

  it("keeps the last known count with a warning while the server is down, slow or wrong, and backs off", async () => {
    const { server, source, log } = await setup(1000);
    for (const broken of [null, "slow", 503, "not json", { total: -1 }]) {
      server.answer = broken;
      await source.poll();
      expect(source.available()).toBe(4);
    }
    expect(log.warnings).toHaveLength(5);
    expect(log.warnings[0]).toBe("license server unreachable; keeping the last known count");
    const d = source.describe();
    expect(d).toMatchObject({ reachable: false, consecutive_failures: 5, total: 5 });
    expect(String(d.last_error)).toMatch(/total: Too small/);
    expect(source.nextDelayMs()).toBe(32_000);
    server.answer = { total: 2 };
    await source.poll();
    expect(source.available()).toBe(2);
    expect(source.nextDelayMs()).toBe(1000);
  });

  it("offers no seats while it never got an answer", async () => {
    const server = await licenseServer();
    server.answer = 500;
    const log = silentLog();
    const source = new HttpLicenseServerSource({ url: server.url, intervalMs: 1000, timeoutMs: 200, backoffMaxMs: 5000, log: log as never });
    cleanup.push(() => source.stop(), () => server.close());
    await source.start(() => {});
    expect(source.available()).toBe(0);
    expect(log.warnings).toEqual(["license server unreachable and no count known yet; offering no seats"]);
    expect(source.describe()).toMatchObject({ known: false, last_error: "HTTP 500: down for maintenance" });
  });

  it("polls on its own at the interval", async () => {
    const { server } = await setup(50);
    const before = server.hits;
    await new Promise((r) => setTimeout(r, 300));
    expect(server.hits - before).toBeGreaterThanOrEqual(2);
  });
});

describe("HttpLicenseServerSource across master restarts", () => {
  it("starts from the count a previous master recorded while the server is down, and reports new counts", async () => {
    const answers: unknown[] = [];
    const log = silentLog();
    const source = new HttpLicenseServerSource({ url: "http://127.0.0.1:9/down", intervalMs: 1000, timeoutMs: 200, backoffMaxMs: 5000, log: log as never, onAnswer: (c) => answers.push(c) });
    source.restore({ total: 7, usedOutsideCluster: 2, at: 1 });
    await source.start(() => {});
    source.stop();
    expect(source.available()).toBe(5);
    expect(source.describe()).toMatchObject({ restored_from_registry: true, reachable: false });
    expect(log.warnings).toEqual(["license server unreachable; keeping the last known count"]);
    expect(answers).toEqual([]);
  });
});
