import { describe, expect, it } from "vitest";
import type { Resources } from "../resources/index.js";
import { AllocationHooks, type OfferCandidate } from "./allocation-hooks.js";

const resources = { cpus: 4 } as unknown as Resources;
const candidate = (attributes: Record<string, string | number>): OfferCandidate => ({
  frameworkId: "fw-1",
  agentId: "agent-1",
  role: "web",
  resources,
  agent: { id: "agent-1", hostname: "h1", attributes },
});

describe("AllocationHooks", () => {
  it("declares its hooks once: the hooks object cannot be reassigned or extended", () => {
    const { hooks } = new AllocationHooks();
    expect(Object.isFrozen(hooks)).toBe(true);
    expect(() => {
      (hooks as { filterOffer: unknown }).filterOffer = null;
    }).toThrow(TypeError);
  });

  it("filterOffer: the first tap returning a reason vetoes, later taps are not asked", () => {
    const { hooks } = new AllocationHooks();
    const asked: string[] = [];
    hooks.filterOffer.tap("maintenance", (c) => {
      asked.push("maintenance");
      return c.agent.attributes.maintenance === "true" ? "agent in maintenance" : undefined;
    });
    hooks.filterOffer.tap("quota", () => {
      asked.push("quota");
      return undefined;
    });
    expect(hooks.filterOffer.call(candidate({ maintenance: "true" }))).toBe("agent in maintenance");
    expect(asked).toEqual(["maintenance"]);
    expect(hooks.filterOffer.call(candidate({}))).toBeUndefined();
    expect(asked).toEqual(["maintenance", "maintenance", "quota"]);
  });

  it("sortFrameworks: taps see the previous order and stage decides who goes first", () => {
    const { hooks } = new AllocationHooks();
    hooks.sortFrameworks.tap({ name: "drop-b", stage: 10 }, (ids) => ids.filter((id) => id !== "b"));
    hooks.sortFrameworks.tap({ name: "reverse", stage: -10 }, (ids) => [...ids].reverse());
    expect(hooks.sortFrameworks.call(["a", "b", "c"], { role: "web" })).toEqual(["c", "a"]);
  });

  it("beforeOffer passes the candidate through each tap", () => {
    const { hooks } = new AllocationHooks();
    const smaller = { cpus: 2 } as unknown as Resources;
    hooks.beforeOffer.tap("shrink", (c) => ({ ...c, resources: smaller }));
    expect(hooks.beforeOffer.call(candidate({})).resources).toBe(smaller);
  });
});
