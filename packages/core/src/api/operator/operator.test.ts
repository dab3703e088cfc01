import { describe, expect, it } from "vitest";
import { ApiError } from "../api-error.js";
import { parseOperatorCall } from "./call.js";
import { operatorResponse, parseOperatorResponse } from "./response.js";

describe("parseOperatorCall on bodies real clients send", () => {
  it.each([
    // curl from the operator API docs, and pymesos operator_v1 (json.dumps of a dict).
    ['{\n  "type": "GET_HEALTH"\n}', { type: "GET_HEALTH" }],
    ['{"type": "GET_VERSION"}', { type: "GET_VERSION" }],
    ['{"type": "GET_STATE"}', { type: "GET_STATE" }],
    ['{"type": "GET_AGENTS"}', { type: "GET_AGENTS" }],
    ['{"type": "GET_FRAMEWORKS"}', { type: "GET_FRAMEWORKS" }],
    ['{"type": "GET_TASKS"}', { type: "GET_TASKS" }],
    ['{"type": "GET_ROLES"}', { type: "GET_ROLES" }],
    ['{"type": "GET_MASTER"}', { type: "GET_MASTER" }],
    [
      '{"type": "GET_METRICS", "get_metrics": {"timeout": {"nanoseconds": 5000000000}}}',
      { type: "GET_METRICS", get_metrics: { timeout: { nanoseconds: 5_000_000_000 } } },
    ],
    // mesos-go renders int64 as a JSON string.
    ['{"type":"GET_METRICS","get_metrics":{"timeout":{"nanoseconds":"1000000000"}}}', { type: "GET_METRICS", get_metrics: { timeout: { nanoseconds: 1_000_000_000 } } }],
    ['{"type":"GET_METRICS","get_metrics":{}}', { type: "GET_METRICS", get_metrics: {} }],
  ])("%s", (body, expected) => {
    expect(parseOperatorCall(body)).toEqual(expected);
  });
});

describe("parseOperatorCall rejects bad calls with the field named", () => {
  it.each([
    ["not JSON", "GET_STATE", 400, "request body is not valid JSON"],
    ["an array", [{ type: "GET_STATE" }], 400, "expected a JSON object, got array"],
    ["no type", {}, 400, "type: required field missing"],
    ["type lowercase", { type: "get_state" }, 400, 'type: unknown enum value "get_state"'],
    ["type an object", { type: { name: "GET_STATE" } }, 400, "type: expected string, got object"],
    ["GET_METRICS without its body", { type: "GET_METRICS" }, 400, "type GET_METRICS needs field get_metrics"],
    ["timeout a string of words", { type: "GET_METRICS", get_metrics: { timeout: { nanoseconds: "five" } } }, 400, "get_metrics.timeout.nanoseconds: expected number, got string"],
    ["timeout not an integer", { type: "GET_METRICS", get_metrics: { timeout: { nanoseconds: 1.5 } } }, 400, "get_metrics.timeout.nanoseconds: expected int64 integer, got 1.5"],
    ["negative timeout", { type: "GET_METRICS", get_metrics: { timeout: { nanoseconds: -1 } } }, 400, "get_metrics.timeout.nanoseconds: must not be negative"],
    ["a Mesos call Tessera does not implement", { type: "GET_MAINTENANCE_STATUS" }, 501, "type: GET_MAINTENANCE_STATUS is not implemented"],
  ] as const)("%s", (_what, body, status, message) => {
    let error: unknown;
    try {
      parseOperatorCall(body);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(status);
    expect((error as ApiError).message).toContain(message);
  });
});

describe("operator responses", () => {
  it("wrap each body under the field master.proto names", () => {
    expect(operatorResponse("GET_HEALTH", { healthy: true })).toEqual({ type: "GET_HEALTH", get_health: { healthy: true } });
    expect(operatorResponse("GET_MASTER", { start_time: 1.5 })).toEqual({ type: "GET_MASTER", get_master: { start_time: 1.5 } });
  });

  it("read back a GET_STATE response shaped as Mesos renders it", () => {
    const state = operatorResponse("GET_STATE", {
      get_tasks: {
        tasks: [
          {
            name: "t",
            task_id: { value: "t-1" },
            framework_id: { value: "fw" },
            agent_id: { value: "a-1" },
            state: "TASK_RUNNING",
            resources: [{ name: "cpus", type: "SCALAR", scalar: { value: 1 }, role: "*" }],
            statuses: [{ task_id: { value: "t-1" }, state: "TASK_RUNNING", timestamp: 1470820172.0 }],
          },
        ],
        completed_tasks: [],
      },
      get_executors: { executors: [] },
      get_frameworks: {
        frameworks: [
          {
            framework_info: { user: "root", name: "default", id: { value: "fw" }, role: "*" },
            active: true,
            connected: true,
            recovered: false,
            registered_time: { nanoseconds: 1470820171578306816 },
          },
        ],
      },
      get_agents: {
        agents: [
          {
            agent_info: { hostname: "host", id: { value: "a-1" }, port: 5051 },
            active: true,
            version: "0.1.0",
            pid: "slave(1)@127.0.1.1:5051",
            total_resources: [{ name: "ports", type: "RANGES", ranges: { range: [{ begin: 31000, end: 32000 }] }, role: "*" }],
          },
        ],
      },
    });
    const back = parseOperatorResponse(JSON.parse(JSON.stringify(state)));
    expect(back).toEqual(state);
  });

  it("refuse a response whose agent lacks the required version", () => {
    expect(() =>
      parseOperatorResponse({ type: "GET_AGENTS", get_agents: { agents: [{ agent_info: { hostname: "h" }, active: true }] } }),
    ).toThrow("get_agents.agents[0].version: required field missing");
  });
});
