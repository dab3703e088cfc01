import { describe, expect, it } from "vitest";
import { parseAgentCall } from "./calls.js";

const agentInfo = { hostname: "a1", port: 5051, resources: [{ name: "cpus", type: "SCALAR", scalar: { value: 4 } }] };

describe("parseAgentCall", () => {
  it("accepts REGISTER and fills defaults", () => {
    const call = parseAgentCall({ type: "REGISTER", register: { agent_info: agentInfo } });
    expect(call.type).toBe("REGISTER");
    if (call.type !== "REGISTER") return;
    expect(call.register.agent_info.attributes).toEqual([]);
    expect(call.register.version).toBe("1.0.0");
  });

  it("treats null as unset and ignores unknown fields", () => {
    const call = parseAgentCall({ type: "REGISTER", extra: 1, register: { agent_info: { ...agentInfo, id: null }, version: null } });
    if (call.type !== "REGISTER") throw new Error("wrong type");
    expect(call.register.agent_info.id).toBeUndefined();
    expect("extra" in call).toBe(false);
  });

  it("names the field of a wrong type", () => {
    expect(() => parseAgentCall({ type: "REGISTER", register: { agent_info: { ...agentInfo, port: "x" } } })).toThrow(
      /^register\.agent_info\.port: /,
    );
  });

  it("names the index of a bad task in REREGISTER", () => {
    const task = { name: "t", task_id: { value: "t1" }, framework_id: { value: "f" }, agent_id: { value: "a" }, state: "TASK_RUNNING" };
    const call = { type: "REREGISTER", agent_id: { value: "a" }, reregister: { agent_info: agentInfo, tasks: [task, { ...task, state: "RUNNING" }] } };
    expect(() => parseAgentCall(call)).toThrow(/^reregister\.tasks\[1\]\.state: /);
  });

  it("requires agent_id on everything but REGISTER", () => {
    expect(() => parseAgentCall({ type: "PONG" })).toThrow("agent_id: required for PONG");
    expect(parseAgentCall({ type: "PONG", agent_id: { value: "a" } })).toEqual({ type: "PONG", agent_id: { value: "a" } });
  });

  it("rejects an unknown type and a missing payload", () => {
    expect(() => parseAgentCall({ type: "NOPE" })).toThrow(/^type: /);
    expect(() => parseAgentCall({ type: "STATUS_UPDATE", agent_id: { value: "a" } })).toThrow("status_update: required for STATUS_UPDATE");
  });

  it("accepts STATUS_UPDATES in order and names a bad update by its index", () => {
    const u = (id: string, state = "TASK_RUNNING") => ({ framework_id: { value: "f" }, status: { task_id: { value: id }, state } });
    const call = parseAgentCall({ type: "STATUS_UPDATES", agent_id: { value: "a" }, status_updates: { updates: [u("t1"), u("t2", "TASK_FINISHED")] } });
    if (call.type !== "STATUS_UPDATES") throw new Error("wrong type");
    expect(call.status_updates.updates.map((x) => [x.status.task_id.value, x.status.state])).toEqual([
      ["t1", "TASK_RUNNING"],
      ["t2", "TASK_FINISHED"],
    ]);
    expect(() => parseAgentCall({ type: "STATUS_UPDATES", agent_id: { value: "a" }, status_updates: { updates: [u("t1"), u("t2", "DONE")] } })).toThrow(
      /^status_updates\.updates\[1\]\.status\.state: /,
    );
    expect(() => parseAgentCall({ type: "STATUS_UPDATES", agent_id: { value: "a" }, status_updates: { updates: [] } })).toThrow(/^status_updates\.updates: /);
  });
});
