import { describe, expect, it } from "vitest";
import type { Resources } from "../resources/index.js";
import type { LaunchPlan } from "./containerizer.js";
import { IsolationHooks, type PrepareRequest } from "./isolation-hooks.js";

const request: PrepareRequest = {
  containerId: "c1",
  frameworkId: "fw",
  agentId: "a1",
  taskId: "t1",
  sandbox: "/var/lib/tessera/c1",
  task: { task_id: { value: "t1" } },
  resources: {} as unknown as Resources,
};
const emptyPlan = (): LaunchPlan => ({ env: {}, mounts: [], labels: {} });

describe("IsolationHooks", () => {
  it("prepare composes every isolator's additions into one launch plan, in stage order", async () => {
    const { hooks } = new IsolationHooks();
    hooks.prepare.tapPromise({ name: "portmap", stage: 10 }, async (plan, req) => ({
      ...plan,
      netnsPath: `/var/run/netns/${req.containerId}`,
      wrapper: ["ip", "netns", "exec", req.containerId],
      env: { ...plan.env, PORT0: "31000" },
    }));
    hooks.prepare.tapPromise({ name: "volumes", stage: 0 }, async (plan) => ({
      ...plan,
      mounts: [...plan.mounts, { source: "/srv/data", target: "/data", readOnly: true }],
      env: { ...plan.env, PORT0: "overwritten-later" },
    }));
    const plan = await hooks.prepare.promise(emptyPlan(), request);
    expect(plan).toEqual({
      env: { PORT0: "31000" },
      mounts: [{ source: "/srv/data", target: "/data", readOnly: true }],
      netnsPath: "/var/run/netns/c1",
      wrapper: ["ip", "netns", "exec", "c1"],
      labels: {},
    });
  });

  it("usage fans out: every isolator fills its own keys in the sink", async () => {
    const { hooks } = new IsolationHooks();
    hooks.usage.tapPromise("cgroups", async (_c, sink) => void sink.set("mem_rss_bytes", 1024));
    hooks.usage.tapPromise("net", async (_c, sink) => void sink.set("net_rx_bytes", 7));
    const sink = new Map<string, number>();
    await hooks.usage.promise(request, sink);
    expect(Object.fromEntries(sink)).toEqual({ mem_rss_bytes: 1024, net_rx_bytes: 7 });
  });

  it("watch hands isolators a callback that reports a limitation later", () => {
    const { hooks } = new IsolationHooks();
    let report: ((l: { reason: string; message: string }) => void) | undefined;
    hooks.watch.tap("mem", (_c, limit) => void (report = limit));
    const seen: string[] = [];
    hooks.watch.call(request, (l) => seen.push(l.reason));
    report?.({ reason: "REASON_CONTAINER_LIMITATION_MEMORY", message: "OOM" });
    expect(seen).toEqual(["REASON_CONTAINER_LIMITATION_MEMORY"]);
  });

  it("a failing prepare rejects the whole phase so the launch fails", async () => {
    const { hooks } = new IsolationHooks();
    hooks.prepare.tapPromise("calico", async () => {
      throw new Error("IP pool 10.0.0.0/24 exhausted");
    });
    await expect(hooks.prepare.promise(emptyPlan(), request)).rejects.toThrow("IP pool 10.0.0.0/24 exhausted");
  });
});
