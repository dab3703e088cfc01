import { afterEach, describe, expect, it } from "vitest";
import type * as m from "../api/mesos/index.js";
import { Resources } from "../resources/index.js";
import { ResourcesInterner } from "./resources-interner.js";
import type { AgentEvent } from "../api/agent-protocol/events.js";
import { MemorySink } from "./event-sink.js";
import { addAgent, agentInfo, makeMaster, offersOf, subscribe, type Kit } from "./test-kit.js";

describe("ResourcesInterner", () => {
  it("gives equal resources one shared value, however they were built", () => {
    const interner = new ResourcesInterner();
    const first = interner.intern(Resources.parse("cpus:0.5;mem:512"));
    const again = interner.intern(Resources.fromJSON([{ name: "mem", type: "SCALAR", scalar: { value: 256 } }, { name: "cpus", type: "SCALAR", scalar: { value: 0.5 } }, { name: "mem", type: "SCALAR", scalar: { value: 256 } }]));
    expect(again).toBe(first);
    const other = Resources.parse("cpus:0.5;mem:513");
    expect(interner.intern(other)).toBe(other);
    const reserved = Resources.parse("cpus(web):0.5;mem(web):512");
    expect(interner.intern(reserved)).toBe(reserved);
  });

  it("does not share resources that differ only in what its key leaves out", () => {
    const interner = new ResourcesInterner();
    const cpus = (reservation: object) => Resources.fromJSON([{ name: "cpus", type: "SCALAR", scalar: { value: 1 }, reservations: [reservation] }]);
    const byStatic = interner.intern(cpus({ type: "STATIC", role: "web" }));
    const byOperator = cpus({ type: "DYNAMIC", role: "web", principal: "ops" });
    expect(interner.intern(byOperator)).toBe(byOperator);
    expect(interner.intern(cpus({ type: "DYNAMIC", role: "web", principal: "ops" }))).toBe(byOperator);
    expect(byStatic.equals(byOperator)).toBe(false);
  });

  it("keeps only the most recently used values", () => {
    const interner = new ResourcesInterner(2);
    const a = interner.intern(Resources.parse("cpus:1"));
    interner.intern(Resources.parse("cpus:2"));
    expect(interner.intern(Resources.parse("cpus:1"))).toBe(a); // a is now the most recent
    interner.intern(Resources.parse("cpus:3")); // evicts cpus:2
    expect(interner.size).toBe(2);
    expect(interner.intern(Resources.parse("cpus:1"))).toBe(a);
    const two = Resources.parse("cpus:2");
    expect(interner.intern(two)).toBe(two);
  });
});

describe("the master's tasks", () => {
  let kit: Kit;
  afterEach(() => kit?.master.stop());

  it("launched with equal resources share one Resources value", async () => {
    kit = makeMaster();
    const agent = await addAgent(kit);
    const fw = await subscribe(kit);
    kit.master.allocate();
    const [offer] = offersOf(fw.sink);
    const info = (id: string, cpus: number) =>
      ({ name: id, task_id: { value: id }, agent_id: { value: agent.agentId }, resources: [{ name: "cpus", type: "SCALAR", scalar: { value: cpus } }], command: { value: "true" } }) as m.TaskInfo;
    await kit.master.schedulerCall(
      { type: "ACCEPT", framework_id: { value: fw.frameworkId }, accept: { offer_ids: [offer!.id], operations: [{ type: "LAUNCH", launch: { task_infos: [info("a", 1), info("b", 1), info("c", 2)] } }] } },
      fw.streamId,
    );
    const tasks = kit.master.frameworks.get(fw.frameworkId)!.tasks;
    expect(tasks.get("a")!.resources).toBe(tasks.get("b")!.resources);
    expect(tasks.get("a")!.resources.scalar("cpus")).toBe(1);
    expect(tasks.get("c")!.resources.scalar("cpus")).toBe(2);
  });

  it("tasks an agent re-registers with equal resources share one Resources value and the agent's AgentID", async () => {
    kit = makeMaster();
    const fw = await subscribe(kit);
    const task = (id: string) => ({
      name: id,
      task_id: { value: id },
      framework_id: { value: fw.frameworkId },
      agent_id: { value: "a-back" },
      state: "TASK_RUNNING",
      resources: [{ name: "cpus", type: "SCALAR", scalar: { value: 1 } }],
    });
    await kit.master.reregisterAgent(
      { type: "REREGISTER", agent_id: { value: "a-back" }, reregister: { agent_info: agentInfo("back"), version: "1", tasks: [task("x"), task("y")], frameworks: [], executor_infos: [] } } as never,
      new MemorySink<AgentEvent>(),
    );
    const tasks = kit.master.frameworks.get(fw.frameworkId)!.tasks;
    expect(tasks.get("x")!.resources).toBe(tasks.get("y")!.resources);
    expect(tasks.get("x")!.resources.scalar("cpus")).toBe(1);
    expect(tasks.get("x")!.info.agent_id).toBe(kit.master.agents.get("a-back")!.info.id);
    expect(tasks.get("y")!.info.agent_id).toEqual({ value: "a-back" });
  });
});
