import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import type { AgentCallInput, AgentEvent } from "../../api/agent-protocol/index.js";
import { FakeMaster } from "../__fixtures__/fake-master.js";
import { MasterLink } from "./master-link.js";

const info = { hostname: "127.0.0.1", port: 5051 };

describe("MasterLink", () => {
  let master: FakeMaster;
  let link: MasterLink | undefined;
  afterEach(async () => {
    await link?.stop();
    await master.stop();
  });

  const open = (events: AgentEvent[], subscribe: () => AgentCallInput, opts: Partial<ConstructorParameters<typeof MasterLink>[0]> = {}) => {
    link = new MasterLink({
      masterUrl: master.url,
      subscribeCall: async () => subscribe(),
      onEvent: (e) => events.push(e),
      onDisconnected: () => events.push({ type: "SHUTDOWN", shutdown: { message: "(disconnected)" } }),
      backoff: { initialMs: 20, maxMs: 100 },
      logger: pino({ level: "silent" }),
      ...opts,
    });
    link.start();
    return link;
  };

  it("registers, answers PING with PONG, and re-registers with its id after the stream drops", async () => {
    master = new FakeMaster();
    await master.start();
    const events: AgentEvent[] = [];
    let agentId: string | undefined;
    open(events, () =>
      agentId
        ? { type: "REREGISTER", agent_id: { value: agentId }, reregister: { agent_info: info } }
        : { type: "REGISTER", register: { agent_info: info } },
    );
    const reg = await master.waitFor(() => events.find((e) => e.type === "REGISTERED"));
    if (reg.type !== "REGISTERED") throw new Error("unreachable");
    agentId = reg.registered.agent_id.value;
    expect(link!.connected).toBe(true);

    master.send({ type: "PING", ping: { connected: true } });
    await master.waitFor(() => master.calls.find((c) => c.type === "PONG"), 5000, "PONG");

    master.dropStream();
    const re = await master.waitFor(() => master.calls.find((c) => c.type === "REREGISTER"), 5000, "REREGISTER");
    expect(re.type === "REREGISTER" && re.agent_id.value).toBe(agentId);
    await master.waitFor(() => events.find((e) => e.type === "REREGISTERED"));
    expect(events.some((e) => e.type === "SHUTDOWN")).toBe(true); // onDisconnected ran in between
  });

  it("keeps retrying while the master is away and connects once it is up", async () => {
    master = new FakeMaster();
    await master.start();
    const url = master.url;
    await master.stop();
    const events: AgentEvent[] = [];
    link = new MasterLink({
      masterUrl: url,
      subscribeCall: async () => ({ type: "REGISTER", register: { agent_info: info } }),
      onEvent: (e) => events.push(e),
      onDisconnected: () => undefined,
      backoff: { initialMs: 20, maxMs: 50 },
      logger: pino({ level: "silent" }),
    });
    link.start();
    await new Promise((r) => setTimeout(r, 150));
    master = new FakeMaster();
    await master.start(Number(new URL(url).port));
    await master.waitFor(() => events.find((e) => e.type === "REGISTERED"), 5000, "REGISTERED");
  });

  it("re-registers when the master stops pinging", async () => {
    master = new FakeMaster({ pingTimeoutSeconds: 0.2 });
    await master.start();
    const events: AgentEvent[] = [];
    open(events, () => ({ type: "REGISTER", register: { agent_info: info } }));
    await master.waitFor(() => master.calls.filter((c) => c.type === "REGISTER").length >= 2, 5000, "second REGISTER");
  });

  it("rejects a call the master refuses, with the master's answer", async () => {
    master = new FakeMaster();
    await master.start();
    open([], () => ({ type: "REGISTER", register: { agent_info: info } }));
    await expect(link!.call({ type: "STATUS_UPDATE", agent_id: { value: "a" } } as AgentCallInput)).rejects.toThrow(
      /STATUS_UPDATE: master answered 400: status_update: required/,
    );
  });
});
