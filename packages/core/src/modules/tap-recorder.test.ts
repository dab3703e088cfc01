import { describe, expect, it } from "vitest";
import { AllocationHooks } from "../hooks/allocation-hooks.js";
import { IsolationHooks } from "../hooks/isolation-hooks.js";
import type { OfferCandidate } from "../hooks/allocation-hooks.js";
import { TapRecorder } from "./tap-recorder.js";

const candidate = { agent: { attributes: {} } } as unknown as OfferCandidate;

describe("TapRecorder", () => {
  it("untaps from a hook that was already called (compiled), leaving others' taps in order", () => {
    const { hooks } = new AllocationHooks();
    const calls: string[] = [];
    hooks.accepted.tap("core-metrics", () => void calls.push("core-metrics"));
    const recorder = new TapRecorder();
    const view = recorder.view("allocation", hooks);
    view.accepted.tap({ name: "module", stage: -1 }, () => void calls.push("module"));
    hooks.accepted.tap("core-log", () => void calls.push("core-log"));

    hooks.accepted.call({} as never);
    expect(calls).toEqual(["module", "core-metrics", "core-log"]);

    recorder.untapAll();
    calls.length = 0;
    hooks.accepted.call({} as never);
    expect(calls).toEqual(["core-metrics", "core-log"]);
    expect(hooks.accepted.taps.map((t) => t.name)).toEqual(["core-metrics", "core-log"]);
  });

  it("records which groups were tapped, through tap and tapPromise alike", async () => {
    const recorder = new TapRecorder();
    const allocation = recorder.view("allocation", new AllocationHooks().hooks);
    const isolationHooks = new IsolationHooks().hooks;
    const isolation = recorder.view("isolation", isolationHooks);
    expect(recorder.tappedGroups()).toEqual(new Set());
    isolation.cleanup.tapPromise("m", async () => {});
    expect(recorder.tappedGroups()).toEqual(new Set(["isolation"]));
    expect(isolation.cleanup.isUsed()).toBe(true);
    allocation.filterOffer.tap("m", () => "no");
    expect(recorder.size).toBe(2);
    recorder.untapAll();
    expect(isolationHooks.cleanup.isUsed()).toBe(false);
  });

  it("hands out views that can tap but not call or replace hooks", () => {
    const { hooks } = new AllocationHooks();
    const view = new TapRecorder().view("allocation", hooks) as unknown as Record<string, Record<string, unknown>>;
    expect(view.filterOffer?.call).toBeUndefined();
    expect(Object.isFrozen(view)).toBe(true);
    expect(Object.isFrozen(view.filterOffer)).toBe(true);
    expect(hooks.filterOffer.call(candidate)).toBeUndefined();
  });
});
