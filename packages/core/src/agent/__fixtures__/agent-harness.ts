// Shared set-up of the agent's tests: a fake master, a work dir, agents started against them.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import type { ContainerLaunch } from "../../hooks/index.js";
import { ProcessContainerizer } from "../containerizer/index.js";
import { startAgent, type AgentHandle, type StartAgentOptions } from "../start-agent.js";
import { FakeMaster } from "./fake-master.js";

export const FW = "fw-1";
export const TASK_RESOURCES = [
  { name: "cpus", type: "SCALAR", scalar: { value: 0.1 } },
  { name: "mem", type: "SCALAR", scalar: { value: 32 } },
];
const TERMINAL = ["TASK_FINISHED", "TASK_FAILED", "TASK_KILLED", "TASK_ERROR", "TASK_LOST", "TASK_DROPPED", "TASK_GONE"];

export class AgentHarness {
  readonly master = new FakeMaster();
  readonly agents: AgentHandle[] = [];
  readonly launches: ContainerLaunch[] = [];
  workDir = "";

  async setUp(): Promise<this> {
    this.workDir = await mkdtemp(join(tmpdir(), "agent-"));
    await this.master.start();
    return this;
  }

  async tearDown(): Promise<void> {
    for (const a of this.agents) await a.stop({ killTasks: true }).catch(() => undefined);
    await this.master.stop();
    await rm(this.workDir, { recursive: true, force: true, maxRetries: 5 });
  }

  /** Starts an agent on the harness's work dir and waits until it has an id. */
  async start(over: Partial<StartAgentOptions> = {}, retryMs = 50): Promise<AgentHandle> {
    const a = await startAgent({
      masterUrl: this.master.url,
      port: 0,
      workDir: this.workDir,
      resources: "cpus:2;mem:1024;disk:1024;ports:[31000-31010]",
      attributes: "rack:a",
      logger: pino({ level: process.env.AGENT_TEST_LOG ?? "silent" }),
      statusUpdateRetry: { initialMs: retryMs, maxMs: retryMs * 4 },
      registrationBackoff: { initialMs: 20, maxMs: 100 },
      parts: { containerizer: new ProcessContainerizer({ pollIntervalMs: 20 }), ...over.parts },
      ...over,
    });
    this.agents.push(a);
    a.hooks.containerization.launched.tap("harness", (l) => void this.launches.push(l));
    await this.master.waitFor(() => a.agentId(), 5000, "registration");
    return a;
  }

  /** Stops an agent the way a crash would leave things: tasks keep running. */
  async crash(a: AgentHandle): Promise<void> {
    await a.stop();
    this.agents.splice(this.agents.indexOf(a), 1);
  }

  runTask(agentId: string, id: string, task: Record<string, unknown>): void {
    this.master.send({
      type: "RUN_TASK",
      run_task: {
        framework_id: { value: FW },
        framework_info: { user: "nobody", name: "test" },
        task: { name: id, task_id: { value: id }, agent_id: { value: agentId }, resources: TASK_RESOURCES, ...task },
      },
    });
  }

  runTaskGroup(agentId: string, executorId: string, tasks: Array<{ id: string; cmd: string }>): void {
    this.master.send({
      type: "RUN_TASK_GROUP",
      run_task_group: {
        framework_id: { value: FW },
        framework_info: { user: "nobody", name: "test" },
        executor: { executor_id: { value: executorId }, type: "DEFAULT", resources: TASK_RESOURCES },
        task_group: {
          tasks: tasks.map((t) => ({ name: t.id, task_id: { value: t.id }, agent_id: { value: agentId }, resources: TASK_RESOURCES, command: { value: t.cmd } })),
        },
      },
    });
  }

  kill(taskId: string, graceMs?: number): void {
    this.master.send({
      type: "KILL_TASK",
      kill_task: {
        framework_id: { value: FW },
        task_id: { value: taskId },
        ...(graceMs !== undefined ? { kill_policy: { grace_period: { nanoseconds: graceMs * 1e6 } } } : {}),
      },
    });
  }

  terminalOf(id: string) {
    return this.master.updates.find((u) => u.status.task_id.value === id && TERMINAL.includes(u.status.state));
  }

  waitTerminal(id: string, timeoutMs = 10_000) {
    return this.master.waitFor(() => this.terminalOf(id), timeoutMs, `${id} to end`);
  }

  waitState(id: string, state: string, timeoutMs = 10_000) {
    return this.master.waitFor(() => this.master.statesOf(id).includes(state), timeoutMs, `${id} to reach ${state}`);
  }

  async get(a: AgentHandle, path: string): Promise<{ status: number; body: string }> {
    const res = await fetch(a.url + path);
    return { status: res.status, body: await res.text() };
  }
}
