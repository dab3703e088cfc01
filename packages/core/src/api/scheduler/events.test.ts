import { describe, expect, it } from "vitest";
import { ApiError } from "../api-error.js";
import { decodeBytes } from "../proto-json.js";
import { encodeRecord, RecordIODecoder } from "../recordio.js";
import {
  errorEvent,
  failureEvent,
  heartbeatEvent,
  messageEvent,
  offersEvent,
  parseSchedulerEvent,
  rescindEvent,
  rescindInverseOfferEvent,
  subscribedEvent,
  updateEvent,
  updateOperationStatusEvent,
} from "./events.js";

const offer = {
  id: { value: "o-1" },
  framework_id: { value: "fw" },
  agent_id: { value: "a-1" },
  hostname: "node-1",
  resources: [
    { name: "cpus", type: "SCALAR" as const, scalar: { value: 4 }, role: "*" },
    { name: "ports", type: "RANGES" as const, ranges: { range: [{ begin: 31000, end: 32000 }] }, role: "*" },
  ],
  attributes: [{ name: "rack", type: "TEXT" as const, text: { value: "r1" } }],
};

describe("scheduler event builders", () => {
  it("build the JSON Mesos puts on the stream", () => {
    expect(subscribedEvent({ value: "fw" }, 15)).toEqual({
      type: "SUBSCRIBED",
      subscribed: { framework_id: { value: "fw" }, heartbeat_interval_seconds: 15 },
    });
    expect(subscribedEvent({ value: "fw" }, 15, { id: "m", ip: 16777343, port: 5050, hostname: "localhost" }).subscribed.master_info).toEqual({
      id: "m",
      ip: 16777343,
      port: 5050,
      hostname: "localhost",
    });
    expect(offersEvent([offer])).toEqual({ type: "OFFERS", offers: { offers: [offer] } });
    expect(rescindEvent({ value: "o-1" })).toEqual({ type: "RESCIND", rescind: { offer_id: { value: "o-1" } } });
    expect(rescindInverseOfferEvent({ value: "io-1" })).toEqual({
      type: "RESCIND_INVERSE_OFFER",
      rescind_inverse_offer: { inverse_offer_id: { value: "io-1" } },
    });
    expect(errorEvent("Framework has been removed")).toEqual({ type: "ERROR", error: { message: "Framework has been removed" } });
    expect(heartbeatEvent()).toEqual({ type: "HEARTBEAT" });
  });

  it("leave FAILURE fields out when not given (agent lost vs executor exited)", () => {
    expect(failureEvent({ agent_id: { value: "a" } })).toEqual({ type: "FAILURE", failure: { agent_id: { value: "a" } } });
    expect(failureEvent({ agent_id: { value: "a" }, executor_id: { value: "e" }, status: 137 })).toEqual({
      type: "FAILURE",
      failure: { agent_id: { value: "a" }, executor_id: { value: "e" }, status: 137 },
    });
  });

  it("base64-encode MESSAGE data given as bytes", () => {
    const event = messageEvent({ value: "a" }, { value: "e" }, new TextEncoder().encode("héllo"));
    expect(event.message.data).toBe(Buffer.from("héllo").toString("base64"));
    expect(decodeBytes(event.message.data).toString("utf8")).toBe("héllo");
    expect(messageEvent({ value: "a" }, { value: "e" }, { base64: "AAEC" }).message.data).toBe("AAEC");
  });

  it("round-trip through RecordIO and parseSchedulerEvent", () => {
    const status = {
      task_id: { value: "t-1" },
      state: "TASK_RUNNING" as const,
      source: "SOURCE_EXECUTOR" as const,
      agent_id: { value: "a-1" },
      timestamp: 1700000000.25,
      uuid: "bHWyr0rTTyeaInyVAnSiTA==",
      healthy: true,
    };
    const events = [
      subscribedEvent({ value: "fw" }, 15),
      offersEvent([offer]),
      updateEvent(status),
      updateOperationStatusEvent({ operation_id: { value: "op" }, state: "OPERATION_FINISHED", uuid: { value: "bHWyr0rTTyeaInyVAnSiTA==" } }),
      messageEvent({ value: "a" }, { value: "e" }, new Uint8Array([1, 2, 3])),
      failureEvent({ agent_id: { value: "a" } }),
      errorEvent("bye"),
      heartbeatEvent(),
    ];
    const wire = Buffer.from(events.map((e) => encodeRecord(e)).join(""));
    const decoder = new RecordIODecoder();
    const back = [...decoder.decode(wire.subarray(0, 100)), ...decoder.decode(wire.subarray(100))].map((r) =>
      parseSchedulerEvent(JSON.parse(r)),
    );
    expect(back).toEqual(events);
  });
});

describe("parseSchedulerEvent", () => {
  it("reads the docs' UPDATE event with a TASK_RUNNING status", () => {
    const event = parseSchedulerEvent({
      type: "UPDATE",
      update: {
        status: {
          task_id: { value: "12344-my-task" },
          state: "TASK_RUNNING",
          source: "SOURCE_EXECUTOR",
          uuid: "adfadfadbhgvjayd23r2uahj",
          bytes: "uhdjfhuagdj63d7hadkf",
        },
      },
    });
    expect(event).toEqual({
      type: "UPDATE",
      update: {
        status: { task_id: { value: "12344-my-task" }, state: "TASK_RUNNING", source: "SOURCE_EXECUTOR", uuid: "adfadfadbhgvjayd23r2uahj" },
      },
    });
  });

  it("refuses an event whose body is missing or whose task state is not a TaskState", () => {
    expect(() => parseSchedulerEvent({ type: "OFFERS" })).toThrow("type OFFERS needs field offers");
    expect(() => parseSchedulerEvent({ type: "UPDATE", update: { status: { task_id: { value: "t" }, state: "TASK_SLEEPING" } } })).toThrow(
      ApiError,
    );
    expect(() => parseSchedulerEvent({ type: "UPDATE", update: { status: { task_id: { value: "t" }, state: "TASK_SLEEPING" } } })).toThrow(
      'update.status.state: unknown enum value "TASK_SLEEPING"',
    );
  });
});
