import { describe, expect, it } from "vitest";
import { parseProto } from "../proto-json.js";
import { ContainerID, FrameworkInfo, frameworkRoles, hasCapability, Offer, TaskStatus, TERMINAL_TASK_STATES, TASK_STATES } from "./index.js";

describe("mesos.v1 schemas", () => {
  it("read a nested ContainerID to any depth", () => {
    expect(parseProto(ContainerID, { value: "c", parent: { value: "b", parent: { value: "a" } } })).toEqual({
      value: "c",
      parent: { value: "b", parent: { value: "a" } },
    });
    expect(() => parseProto(ContainerID, { value: "c", parent: { parent: { value: "a" } } })).toThrow("parent.value: required field missing");
  });

  it("read a TaskStatus from an agent, leaving a reason newer than this master unset", () => {
    const status = parseProto(TaskStatus, {
      task_id: { value: "t" },
      state: "TASK_FAILED",
      reason: "REASON_FROM_THE_FUTURE",
      source: "SOURCE_AGENT",
      message: "Container exited with status 1",
      container_status: { container_id: { value: "c1" }, network_infos: [{ ip_addresses: [{ ip_address: "10.0.0.5" }] }], executor_pid: 4242 },
      unreachable_time: { nanoseconds: "1470820171393027072" },
    });
    expect(status.reason).toBeUndefined();
    expect(status.container_status?.executor_pid).toBe(4242);
    expect(status.unreachable_time?.nanoseconds).toBe(1470820171393027072);
  });

  it("read an offer as the docs show it, with attributes of each value type", () => {
    const offer = parseProto(Offer, {
      id: { value: "12214-23523-O235235" },
      framework_id: { value: "12124-235325-32425" },
      agent_id: { value: "12325-23523-S23523" },
      hostname: "agent.host",
      resources: [{ name: "cpus", type: "SCALAR", scalar: { value: 2 }, role: "*" }],
      attributes: [
        { name: "os", type: "TEXT", text: { value: "debian" } },
        { name: "gpus", type: "SCALAR", scalar: { value: 1 } },
        { name: "zones", type: "SET", set: { item: ["a", "b"] } },
      ],
      executor_ids: [{ value: "ef1" }],
    });
    expect(offer.attributes?.map((a) => a.type)).toEqual(["TEXT", "SCALAR", "SET"]);
    expect(offer.executor_ids).toEqual([{ value: "ef1" }]);
  });

  it("name every task state Mesos has, and call only the final ones terminal", () => {
    expect(TASK_STATES).toHaveLength(14);
    for (const s of ["TASK_FINISHED", "TASK_FAILED", "TASK_KILLED", "TASK_ERROR", "TASK_LOST", "TASK_DROPPED", "TASK_GONE", "TASK_GONE_BY_OPERATOR"] as const) {
      expect(TERMINAL_TASK_STATES.has(s)).toBe(true);
    }
    for (const s of ["TASK_STAGING", "TASK_STARTING", "TASK_RUNNING", "TASK_KILLING", "TASK_UNREACHABLE", "TASK_UNKNOWN"] as const) {
      expect(TERMINAL_TASK_STATES.has(s)).toBe(false);
    }
  });

  it("tell a framework's roles: roles under MULTI_ROLE, else its legacy role defaulting to *", () => {
    const multi = parseProto(FrameworkInfo, { user: "", name: "n", roles: ["a", "b"], capabilities: [{ type: "MULTI_ROLE" }] });
    const legacy = parseProto(FrameworkInfo, { user: "", name: "n", role: "eng" });
    const plain = parseProto(FrameworkInfo, { user: "", name: "n" });
    expect(hasCapability(multi, "MULTI_ROLE")).toBe(true);
    expect(frameworkRoles(multi)).toEqual(["a", "b"]);
    expect(frameworkRoles(legacy)).toEqual(["eng"]);
    expect(frameworkRoles(plain)).toEqual(["*"]);
  });
});
