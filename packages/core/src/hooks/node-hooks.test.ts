import { describe, expect, it } from "vitest";
import { AllocationHooks } from "./allocation-hooks.js";
import { ContainerizationHooks } from "./containerization-hooks.js";
import type { Containerizer } from "./containerizer.js";
import { AGENT_HOOK_GROUPS, MASTER_HOOK_GROUPS, createAgentHooks, createMasterHooks, hookGroupsFor } from "./node-hooks.js";

const fakeContainerizer = (name: string): Containerizer => ({
  name,
  launch: async () => ({}),
  wait: async () => ({ exitCode: 0, signal: null, state: "TASK_FINISHED", message: "ok" }),
  destroy: async () => {},
  recover: async () => [],
});
const ref = { containerId: "c", frameworkId: "f", agentId: "a", taskId: "t", sandbox: "/s" };

describe("node hooks", () => {
  it("a master gathers the groups its components own instead of creating new ones", () => {
    const allocation = new AllocationHooks().hooks;
    const hooks = createMasterHooks({ allocation });
    expect(hooks.allocation).toBe(allocation);
    expect(Object.keys(hooks).sort()).toEqual([...MASTER_HOOK_GROUPS].sort());
    expect(Object.isFrozen(hooks)).toBe(true);
  });

  it("an agent has exactly the agent groups, a master exactly the master groups", () => {
    expect(Object.keys(createAgentHooks()).sort()).toEqual([...AGENT_HOOK_GROUPS].sort());
    expect(hookGroupsFor("agent")).toEqual(AGENT_HOOK_GROUPS);
    expect(hookGroupsFor("master")).toEqual(MASTER_HOOK_GROUPS);
    expect(MASTER_HOOK_GROUPS.filter((g) => (AGENT_HOOK_GROUPS as readonly string[]).includes(g))).toEqual([]);
  });

  it("selectContainerizer: the first tap that claims the task wins; nobody claiming leaves the default", async () => {
    const { hooks } = new ContainerizationHooks();
    const docker = fakeContainerizer("docker");
    hooks.selectContainerizer.tapPromise("docker", async (task) => (task.container ? docker : undefined));
    hooks.selectContainerizer.tapPromise("other", async () => fakeContainerizer("other"));
    const withImage = { task_id: { value: "t" }, container: { type: "DOCKER" } };
    expect(await hooks.selectContainerizer.promise(withImage, ref)).toBe(docker);

    const { hooks: empty } = new ContainerizationHooks();
    empty.selectContainerizer.tapPromise("docker", async (task) => (task.container ? docker : undefined));
    expect(await empty.selectContainerizer.promise({ task_id: { value: "t" } }, ref)).toBeUndefined();
  });
});
