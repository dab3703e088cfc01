import { describe, expect, it } from "vitest";
import { ApiError } from "../api-error.js";
import { decodeBytes } from "../proto-json.js";
import * as rec from "./__fixtures__/recorded-calls.js";
import type { SchedulerCallOf } from "./call.js";
import { parseSchedulerCall } from "./parse-call.js";

describe("parseSchedulerCall on bodies real clients send", () => {
  it("reads a pymesos SUBSCRIBE with an empty user, MULTI_ROLE and a failover timeout", () => {
    expect(parseSchedulerCall(rec.PYMESOS_SUBSCRIBE)).toEqual({
      type: "SUBSCRIBE",
      subscribe: {
        framework_info: {
          user: "",
          name: "pymesos-demo",
          hostname: "worker-3",
          roles: ["analytics"],
          capabilities: [{ type: "MULTI_ROLE" }, { type: "GPU_RESOURCES" }],
          failover_timeout: 100,
        },
      },
    });
  });

  it("reads a re-subscription whose framework_id matches framework_info.id", () => {
    const call = parseSchedulerCall(rec.PYMESOS_RESUBSCRIBE) as SchedulerCallOf<"SUBSCRIBE">;
    expect(call.framework_id).toEqual({ value: "3c1d6a2e-0f1b-4d8e-9b0a-2f7c5e1d9a40-0007" });
    expect(call.subscribe.framework_info.id).toEqual(call.framework_id);
  });

  it("reads the docs' SUBSCRIBE with suppressed roles and offer constraints", () => {
    const call = parseSchedulerCall(rec.DOCS_SUBSCRIBE) as SchedulerCallOf<"SUBSCRIBE">;
    expect(call.subscribe.suppressed_roles).toEqual(["test2"]);
    expect(call.subscribe.offer_constraints?.role_constraints?.test1?.groups?.[0]?.attribute_constraints).toEqual([
      { selector: { attribute_name: "foo" }, predicate: { exists: {} } },
    ]);
    expect(call.subscribe.framework_info.roles).toEqual(["test1", "test2"]);
  });

  it("reads a mesos-go SUBSCRIBE with the legacy role, checkpointing and labels", () => {
    const call = parseSchedulerCall(rec.MESOS_GO_SUBSCRIBE) as SchedulerCallOf<"SUBSCRIBE">;
    expect(call.subscribe.framework_info).toEqual({
      user: "root",
      name: "mesos-go-example",
      failover_timeout: 604800,
      checkpoint: true,
      role: "*",
      principal: "example",
      capabilities: [{ type: "TASK_KILLING_STATE" }, { type: "PARTITION_AWARE" }],
      labels: { labels: [{ key: "team", value: "infra" }] },
    });
  });

  it("reads a pymesos ACCEPT with a LAUNCH of a command task on role \"*\" resources", () => {
    expect(parseSchedulerCall(rec.PYMESOS_ACCEPT_LAUNCH)).toEqual({
      type: "ACCEPT",
      framework_id: { value: "3c1d6a2e-0f1b-4d8e-9b0a-2f7c5e1d9a40-0007" },
      accept: {
        offer_ids: [{ value: "3c1d6a2e-0f1b-4d8e-9b0a-2f7c5e1d9a40-O42" }],
        operations: [
          {
            type: "LAUNCH",
            launch: {
              task_infos: [
                {
                  task_id: { value: "task-1" },
                  agent_id: { value: "3c1d6a2e-0f1b-4d8e-9b0a-2f7c5e1d9a40-S0" },
                  name: "task task-1",
                  command: {
                    value: "echo hello && sleep 5",
                    environment: { variables: [{ name: "GREETING", value: "hi" }] },
                  },
                  resources: [
                    { name: "cpus", type: "SCALAR", scalar: { value: 0.5 }, role: "*" },
                    { name: "mem", type: "SCALAR", scalar: { value: 64 }, role: "*" },
                    { name: "ports", type: "RANGES", ranges: { range: [{ begin: 31000, end: 31001 }] }, role: "*" },
                  ],
                },
              ],
            },
          },
        ],
        filters: { refuse_seconds: 5 },
      },
    });
  });

  it("reads the docs' ACCEPT that launches on a custom executor with allocation_info", () => {
    const call = parseSchedulerCall(rec.DOCS_ACCEPT_EXECUTOR) as SchedulerCallOf<"ACCEPT">;
    const task = call.accept.operations![0]!.launch!.task_infos![0]!;
    expect(task.executor).toEqual({
      command: { shell: true, value: "sleep 1000" },
      executor_id: { value: "12214-23523-my-executor" },
    });
    expect(task.resources![1]).toEqual({
      allocation_info: { role: "engineering" },
      name: "mem",
      role: "*",
      type: "SCALAR",
      scalar: { value: 128 },
    });
  });

  it("reads a mesos-go Docker task, taking the int64 grace period from a JSON string", () => {
    const call = parseSchedulerCall(rec.MESOS_GO_ACCEPT_DOCKER) as SchedulerCallOf<"ACCEPT">;
    const task = call.accept.operations![0]!.launch!.task_infos![0]!;
    expect(task.kill_policy).toEqual({ grace_period: { nanoseconds: 5_000_000_000 } });
    expect(task.container).toEqual({
      type: "DOCKER",
      docker: {
        image: "busybox:latest",
        network: "BRIDGE",
        port_mappings: [{ host_port: 31005, container_port: 80, protocol: "tcp" }],
        privileged: false,
        parameters: [{ key: "label", value: "app=web" }],
        force_pull_image: false,
      },
      volumes: [{ container_path: "/data", host_path: "/var/data", mode: "RW" }],
    });
    expect(task.health_check).toMatchObject({ type: "HTTP", http: { port: 80, path: "/health" }, consecutive_failures: 3 });
    expect(call.accept.offer_ids).toEqual([{ value: "o-1" }, { value: "o-2" }]);
  });

  it("reads a RESERVE followed by CREATE of a persistent volume", () => {
    const call = parseSchedulerCall(rec.MESOS_GO_ACCEPT_RESERVE_CREATE) as SchedulerCallOf<"ACCEPT">;
    const [reserve, create] = call.accept.operations!;
    expect(reserve!.reserve!.resources![0]!.reservations).toEqual([{ type: "DYNAMIC", role: "db", principal: "fw-go" }]);
    expect(create!.create!.volumes![0]!.disk).toEqual({
      persistence: { id: "pg-data", principal: "fw-go" },
      volume: { container_path: "pgdata", mode: "RW" },
    });
  });

  it("reads the docs' DECLINE with a 5 second filter", () => {
    expect(parseSchedulerCall(rec.DOCS_DECLINE)).toEqual({
      type: "DECLINE",
      framework_id: { value: "12220-3440-12532-2345" },
      decline: {
        offer_ids: [{ value: "12220-3440-12532-O12" }, { value: "12220-3440-12532-O13" }],
        filters: { refuse_seconds: 5 },
      },
    });
  });

  it("reads ACKNOWLEDGE with a padded (pymesos) and an unpadded (docs) base64 UUID of 16 bytes", () => {
    const py = parseSchedulerCall(rec.PYMESOS_ACKNOWLEDGE) as SchedulerCallOf<"ACKNOWLEDGE">;
    expect(py.acknowledge).toEqual({
      agent_id: { value: "a-1" },
      task_id: { value: "task-1" },
      uuid: "bHWyr0rTTyeaInyVAnSiTA==",
    });
    expect(decodeBytes(py.acknowledge.uuid)).toHaveLength(16);
    const docs = parseSchedulerCall(rec.DOCS_ACKNOWLEDGE) as SchedulerCallOf<"ACKNOWLEDGE">;
    expect(decodeBytes(docs.acknowledge.uuid)).toHaveLength(16);
    // stout ignores whitespace in base64: the UUID's length is counted without it.
    const ack = (uuid: string) => ({ framework_id: { value: "fw" }, type: "ACKNOWLEDGE", acknowledge: { agent_id: { value: "a" }, task_id: { value: "t" }, uuid } });
    expect(() => parseSchedulerCall(ack("bHWyr0rT TyeaInyV\nAnSiTA=="))).not.toThrow();
    expect(() => parseSchedulerCall(ack("bHWyr0rT TyeaInyV\nAnSiTAAA"))).toThrow("acknowledge.uuid: expected a 16-byte UUID, got 18 bytes");
  });

  it("reads RECONCILE with no tasks (implicit) and with task IDs only (explicit)", () => {
    expect(parseSchedulerCall(rec.PYMESOS_RECONCILE_ALL)).toEqual({
      type: "RECONCILE",
      framework_id: { value: "fw-py" },
      reconcile: { tasks: [] },
    });
    const some = parseSchedulerCall(rec.PYMESOS_RECONCILE_SOME) as SchedulerCallOf<"RECONCILE">;
    expect(some.reconcile.tasks).toEqual([{ task_id: { value: "task-1" } }, { task_id: { value: "task-2" } }]);
  });

  it("reads REVIVE without a body (all roles) and SUPPRESS with roles", () => {
    expect(parseSchedulerCall(rec.PYMESOS_REVIVE)).toEqual({ type: "REVIVE", framework_id: { value: "fw-py" } });
    expect(parseSchedulerCall(rec.PYMESOS_SUPPRESS_ROLES)).toEqual({
      type: "SUPPRESS",
      framework_id: { value: "fw-py" },
      suppress: { roles: ["analytics"] },
    });
  });

  it("reads KILL, SHUTDOWN, MESSAGE, TEARDOWN, REQUEST and RECONCILE_OPERATIONS", () => {
    expect(parseSchedulerCall(rec.PYMESOS_KILL)).toEqual({
      type: "KILL",
      framework_id: { value: "fw-py" },
      kill: { task_id: { value: "task-1" } },
    });
    expect(parseSchedulerCall(rec.DOCS_SHUTDOWN)).toMatchObject({
      type: "SHUTDOWN",
      shutdown: { executor_id: { value: "123450-2340-1232-my-executor" }, agent_id: { value: "12220-3440-12532-S1233" } },
    });
    expect(parseSchedulerCall(rec.DOCS_MESSAGE)).toMatchObject({ type: "MESSAGE", message: { data: "adaf838jahd748jnaldf" } });
    expect(parseSchedulerCall(rec.PYMESOS_TEARDOWN)).toEqual({ type: "TEARDOWN", framework_id: { value: "fw-py" } });
    expect(parseSchedulerCall(rec.PYMESOS_REQUEST)).toMatchObject({
      type: "REQUEST",
      request: { requests: [{ agent_id: { value: "a-1" }, resources: [{ name: "cpus", scalar: { value: 2 } }] }] },
    });
    expect(parseSchedulerCall(rec.DOCS_RECONCILE_OPERATIONS)).toMatchObject({
      type: "RECONCILE_OPERATIONS",
      reconcile_operations: { operations: [{ operation_id: { value: "312325" }, resource_provider_id: { value: "927695" } }] },
    });
  });
});

describe("parseSchedulerCall reads JSON the way stout does", () => {
  const fw = { framework_id: { value: "fw" } };

  it("treats null as unset and ignores unknown fields", () => {
    const call = parseSchedulerCall({
      ...fw,
      type: "DECLINE",
      decline: { offer_ids: [{ value: "o1" }, null], filters: null, new_field_from_mesos_2: { x: 1 } },
      accept: null,
      some_future_field: "x",
    });
    expect(call).toEqual({ type: "DECLINE", framework_id: { value: "fw" }, decline: { offer_ids: [{ value: "o1" }] } });
  });

  it("accepts numbers and booleans written as strings, and a lone value for a repeated field", () => {
    const call = parseSchedulerCall({
      type: "SUBSCRIBE",
      subscribe: {
        framework_info: { user: "", name: "n", failover_timeout: "3600.5", checkpoint: "true", roles: "ml", capabilities: { type: "MULTI_ROLE" } },
      },
    }) as SchedulerCallOf<"SUBSCRIBE">;
    expect(call.subscribe.framework_info).toEqual({
      user: "",
      name: "n",
      failover_timeout: 3600.5,
      checkpoint: true,
      roles: ["ml"],
      capabilities: [{ type: "MULTI_ROLE" }],
    });
  });

  it("leaves an unknown name in an optional enum unset instead of failing, as proto2 does", () => {
    const call = parseSchedulerCall({
      type: "SUBSCRIBE",
      subscribe: { framework_info: { user: "", name: "n", capabilities: [{ type: "FUTURE_CAPABILITY" }, { type: "MULTI_ROLE" }], roles: ["a"] } },
    }) as SchedulerCallOf<"SUBSCRIBE">;
    expect(call.subscribe.framework_info.capabilities).toEqual([{}, { type: "MULTI_ROLE" }]);
  });

  it("reads \"Infinity\" in a double, as TaskInfo.limits uses it; a bare string where a Scalar belongs is refused", () => {
    const launch = (limits: unknown) => ({
      ...fw,
      type: "ACCEPT",
      accept: { operations: [{ type: "LAUNCH", launch: { task_infos: [{ name: "t", task_id: { value: "t" }, agent_id: { value: "a" }, command: { value: "x" }, limits }] } }] },
    });
    const call = parseSchedulerCall(launch({ cpus: { value: "Infinity" }, mem: { value: 512 } })) as SchedulerCallOf<"ACCEPT">;
    expect(call.accept.operations![0]!.launch!.task_infos![0]!.limits).toEqual({ cpus: { value: Infinity }, mem: { value: 512 } });
    // The docs' ACCEPT example writes `"cpus": "Infinity"`; stout refuses a string for a message too.
    expect(() => parseSchedulerCall(launch({ cpus: "Infinity" }))).toThrow(
      "accept.operations[0].launch.task_infos[0].limits.cpus: expected object, got string",
    );
  });

  it("accepts raw bytes of the body", () => {
    const call = parseSchedulerCall(Buffer.from(rec.PYMESOS_TEARDOWN, "utf8"));
    expect(call).toEqual({ type: "TEARDOWN", framework_id: { value: "fw-py" } });
  });

  it("drops bodies that do not belong to the call's type", () => {
    const call = parseSchedulerCall({ ...fw, type: "TEARDOWN", kill: { task_id: { value: "t" } } });
    expect(call).toEqual({ type: "TEARDOWN", framework_id: { value: "fw" } });
  });
});

/** [what is wrong, body, text the error must contain]. */
const malformed: Array<[string, unknown, string | RegExp]> = [
  ["body not JSON", "{type: SUBSCRIBE", "request body is not valid JSON"],
  ["body a JSON array", "[]", "expected a JSON object, got array"],
  ["body a JSON string", '"SUBSCRIBE"', "expected a JSON object, got string"],
  ["body null", null, "expected a JSON object, got null"],
  ["type missing", { framework_id: { value: "fw" }, teardown: {} }, "type: required field missing"],
  ["type unknown", { framework_id: { value: "fw" }, type: "LAUNCH_EVERYTHING" }, 'type: unknown enum value "LAUNCH_EVERYTHING"'],
  ["type a number", { framework_id: { value: "fw" }, type: 3 }, "type: expected string, got number"],
  ["SUBSCRIBE without subscribe", { type: "SUBSCRIBE" }, "type SUBSCRIBE needs field subscribe"],
  ["ACCEPT without accept", { framework_id: { value: "fw" }, type: "ACCEPT" }, "type ACCEPT needs field accept"],
  ["docs' REQUEST puts requests at the top level", { framework_id: { value: "fw" }, type: "REQUEST", requests: [] }, "type REQUEST needs field request"],
  ["framework_id missing", { type: "DECLINE", decline: { offer_ids: [] } }, "framework_id: required for DECLINE calls"],
  ["framework_id a string", { framework_id: "fw", type: "TEARDOWN" }, "framework_id: expected object, got string"],
  ["framework name missing", { type: "SUBSCRIBE", subscribe: { framework_info: { user: "" } } }, "subscribe.framework_info.name: required field missing"],
  ["framework user a number", { type: "SUBSCRIBE", subscribe: { framework_info: { user: 0, name: "n" } } }, "subscribe.framework_info.user: expected string, got number"],
  [
    "framework_info.id differs from framework_id",
    { type: "SUBSCRIBE", framework_id: { value: "a" }, subscribe: { framework_info: { user: "", name: "n", id: { value: "b" } } } },
    'subscribe.framework_info.id: "b" differs from framework_id "a"',
  ],
  [
    "roles without MULTI_ROLE",
    { type: "SUBSCRIBE", subscribe: { framework_info: { user: "", name: "n", roles: ["a"] } } },
    "subscribe.framework_info.roles: must not be set unless the framework has the MULTI_ROLE capability",
  ],
  [
    "invalid role name",
    { type: "SUBSCRIBE", subscribe: { framework_info: { user: "", name: "n", roles: ["ok", "bad role"], capabilities: [{ type: "MULTI_ROLE" }] } } },
    /^subscribe\.framework_info\.roles\[1\]: .*"bad role"/,
  ],
  [
    "suppressed role not subscribed",
    { type: "SUBSCRIBE", subscribe: { framework_info: { user: "", name: "n", roles: ["a"], capabilities: [{ type: "MULTI_ROLE" }] }, suppressed_roles: ["b"] } },
    'subscribe.suppressed_roles[0]: role "b" is not one of the framework\'s roles',
  ],
  ["offer_ids not an array", { framework_id: { value: "fw" }, type: "ACCEPT", accept: { offer_ids: "o1" } }, "accept.offer_ids: expected array, got string"],
  ["offer id value a number", { framework_id: { value: "fw" }, type: "ACCEPT", accept: { offer_ids: [{ value: 7 }] } }, "accept.offer_ids[0].value: expected string, got number"],
  [
    "duplicate offer id",
    { framework_id: { value: "fw" }, type: "ACCEPT", accept: { offer_ids: [{ value: "o1" }, { value: "o1" }] } },
    'accept.offer_ids[1]: duplicate offer ID "o1"',
  ],
  [
    "unknown operation type",
    { framework_id: { value: "fw" }, type: "ACCEPT", accept: { offer_ids: [{ value: "o" }], operations: [{ type: "LAUNCH_ROCKET" }] } },
    'accept.operations[0].type: unknown enum value "LAUNCH_ROCKET"',
  ],
  [
    "operation without its body",
    { framework_id: { value: "fw" }, type: "ACCEPT", accept: { offer_ids: [{ value: "o" }], operations: [{ type: "LAUNCH", reserve: {} }] } },
    "accept.operations[0]: type LAUNCH needs field launch",
  ],
  [
    "task without a name",
    {
      framework_id: { value: "fw" },
      type: "ACCEPT",
      accept: { operations: [{ type: "LAUNCH", launch: { task_infos: [{ task_id: { value: "t" }, agent_id: { value: "a" }, command: { value: "x" } }] } }] },
    },
    "accept.operations[0].launch.task_infos[0].name: required field missing",
  ],
  [
    "resource type not an enum name",
    {
      framework_id: { value: "fw" },
      type: "ACCEPT",
      accept: {
        operations: [
          {
            type: "LAUNCH",
            launch: {
              task_infos: [
                { name: "t", task_id: { value: "t" }, agent_id: { value: "a" }, command: { value: "x" }, resources: [{ name: "cpus", type: "FLOAT", scalar: { value: 1 } }] },
              ],
            },
          },
        ],
      },
    },
    'accept.operations[0].launch.task_infos[0].resources[0].type: unknown enum value "FLOAT"',
  ],
  [
    "empty ports range",
    {
      framework_id: { value: "fw" },
      type: "ACCEPT",
      accept: {
        operations: [
          {
            type: "LAUNCH",
            launch: {
              task_infos: [
                { name: "t", task_id: { value: "t" }, agent_id: { value: "a" }, command: { value: "x" }, resources: [] },
                {
                  name: "u",
                  task_id: { value: "u" },
                  agent_id: { value: "a" },
                  command: { value: "x" },
                  resources: [{ name: "ports", type: "RANGES", ranges: { range: [{ begin: 31000, end: 30000 }] } }],
                },
              ],
            },
          },
        ],
      },
    },
    /^accept\.operations\[0\]\.launch\.task_infos\[1\]\.resources\[0\]\S*: .*empty/,
  ],
  [
    "task with both command and executor",
    {
      framework_id: { value: "fw" },
      type: "ACCEPT",
      accept: {
        operations: [
          {
            type: "LAUNCH",
            launch: {
              task_infos: [
                { name: "t", task_id: { value: "t" }, agent_id: { value: "a" }, command: { value: "x" }, executor: { executor_id: { value: "e" } } },
              ],
            },
          },
        ],
      },
    },
    "accept.operations[0].launch.task_infos[0]: needs exactly one of command or executor",
  ],
  [
    "task id with a slash",
    {
      framework_id: { value: "fw" },
      type: "ACCEPT",
      accept: { operations: [{ type: "LAUNCH", launch: { task_infos: [{ name: "t", task_id: { value: "a/b" }, agent_id: { value: "a" }, command: { value: "x" } }] } }] },
    },
    "accept.operations[0].launch.task_infos[0].task_id.value: ID \"a/b\" contains a control character or a slash",
  ],
  [
    "docker network not an enum string",
    {
      framework_id: { value: "fw" },
      type: "ACCEPT",
      accept: {
        operations: [
          {
            type: "LAUNCH",
            launch: {
              task_infos: [
                { name: "t", task_id: { value: "t" }, agent_id: { value: "a" }, command: { value: "x" }, container: { type: "DOCKER", docker: { image: "i", network: 2 } } },
              ],
            },
          },
        ],
      },
    },
    "accept.operations[0].launch.task_infos[0].container.docker.network: expected string, got number",
  ],
  ["negative refuse_seconds", { framework_id: { value: "fw" }, type: "DECLINE", decline: { offer_ids: [{ value: "o" }], filters: { refuse_seconds: -1 } } }, "decline.filters.refuse_seconds: must not be negative, got -1"],
  ["refuse_seconds not a number", { framework_id: { value: "fw" }, type: "DECLINE", decline: { filters: { refuse_seconds: "soon" } } }, "decline.filters.refuse_seconds: expected number, got string"],
  [
    "bad base64 uuid",
    { framework_id: { value: "fw" }, type: "ACKNOWLEDGE", acknowledge: { agent_id: { value: "a" }, task_id: { value: "t" }, uuid: "not base64!" } },
    "acknowledge.uuid: invalid base64 in bytes field",
  ],
  [
    "uuid of the wrong length",
    { framework_id: { value: "fw" }, type: "ACKNOWLEDGE", acknowledge: { agent_id: { value: "a" }, task_id: { value: "t" }, uuid: "AAAA" } },
    "acknowledge.uuid: expected a 16-byte UUID, got 3 bytes",
  ],
  [
    "acknowledge without task_id",
    { framework_id: { value: "fw" }, type: "ACKNOWLEDGE", acknowledge: { agent_id: { value: "a" }, uuid: "bHWyr0rTTyeaInyVAnSiTA==" } },
    "acknowledge.task_id: required field missing",
  ],
  [
    "docs' ACKNOWLEDGE_OPERATION_STATUS gives operation_id as a string",
    {
      framework_id: { value: "fw" },
      type: "ACKNOWLEDGE_OPERATION_STATUS",
      acknowledge_operation_status: { agent_id: { value: "a" }, uuid: "jhadf73jhakdlfha723adf", operation_id: "73jhakdlfha723adf" },
    },
    "acknowledge_operation_status.operation_id: expected object, got string",
  ],
  ["reconcile tasks an object of the wrong shape", { framework_id: { value: "fw" }, type: "RECONCILE", reconcile: { tasks: [{ task_id: "t" }] } }, "reconcile.tasks[0].task_id: expected object, got string"],
  ["kill with negative grace period", { framework_id: { value: "fw" }, type: "KILL", kill: { task_id: { value: "t" }, kill_policy: { grace_period: { nanoseconds: "-5" } } } }, "kill.kill_policy.grace_period.nanoseconds: must not be negative, got -5"],
  ["message data not base64", { framework_id: { value: "fw" }, type: "MESSAGE", message: { agent_id: { value: "a" }, executor_id: { value: "e" }, data: "%%%" } }, "message.data: invalid base64 in bytes field"],
  ["suppress roles not strings", { framework_id: { value: "fw" }, type: "SUPPRESS", suppress: { roles: [1, 2] } }, "suppress.roles[0]: expected string, got number"],
  ["checkpoint an object", { type: "SUBSCRIBE", subscribe: { framework_info: { user: "", name: "n", checkpoint: {} } } }, "subscribe.framework_info.checkpoint: expected boolean, got object"],
  [
    "update_framework for another framework",
    { framework_id: { value: "a" }, type: "UPDATE_FRAMEWORK", update_framework: { framework_info: { user: "", name: "n", id: { value: "b" } } } },
    'update_framework.framework_info.id: "b" differs from framework_id "a"',
  ],
];

describe("parseSchedulerCall rejects malformed bodies with the field named", () => {
  it.each(malformed)("%s", (_what, body, expected) => {
    let error: unknown;
    try {
      parseSchedulerCall(body);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(400);
    if (typeof expected === "string") expect((error as ApiError).message).toContain(expected);
    else expect((error as ApiError).message).toMatch(expected);
  });

  it("has at least 25 distinct malformed cases", () => {
    expect(new Set(malformed.map(([what]) => what)).size).toBeGreaterThanOrEqual(25);
  });

  it("answers an UNKNOWN call with 501, as Mesos does", () => {
    expect(() => parseSchedulerCall({ framework_id: { value: "fw" }, type: "UNKNOWN" })).toThrow(
      expect.objectContaining({ status: 501 }),
    );
  });
});
