import { OperatorClient, OperatorError, type Offer } from "@tessera/sdk";
import type { Out } from "./context.js";

/** The agent's base URL from an offer (Mesos puts the agent's address in `offer.url`). */
export function agentUrlOf(offer: Offer): string | undefined {
  const a = offer.url?.address;
  if (!a) return undefined;
  return `${offer.url?.scheme ?? "http"}://${a.hostname ?? a.ip ?? offer.hostname}:${a.port}`;
}

interface AgentState {
  frameworks?: AgentFramework[];
  completed_frameworks?: AgentFramework[];
}
interface AgentFramework {
  id: string;
  executors?: AgentExecutor[];
  completed_executors?: AgentExecutor[];
}
interface AgentExecutor {
  id: string;
  tasks?: { id: string }[];
  completed_tasks?: { id: string }[];
  queued_tasks?: { id: string }[];
}

/**
 * The task's sandbox as the agent's /files endpoints name it (Mesos' virtual path
 * `/frameworks/<fid>/executors/<eid>/runs/latest`), once the agent's /state lists the task.
 */
export async function findSandbox(agent: OperatorClient, frameworkId: string, taskId: string): Promise<string | undefined> {
  const state = await agent.getJson<AgentState>("/state");
  for (const f of [...(state.frameworks ?? []), ...(state.completed_frameworks ?? [])]) {
    if (f.id !== frameworkId) continue;
    for (const e of [...(f.executors ?? []), ...(f.completed_executors ?? [])]) {
      const ids = [e.id, ...[...(e.tasks ?? []), ...(e.completed_tasks ?? []), ...(e.queued_tasks ?? [])].map((t) => t.id)];
      if (ids.includes(taskId)) return `/frameworks/${frameworkId}/executors/${e.id}/runs/latest`;
    }
  }
  return undefined;
}

/** Follows one sandbox file through the agent's /files/read, copying new bytes to `out`. */
export class FileTail {
  #offset = 0;

  constructor(
    private readonly agent: OperatorClient,
    private readonly path: string,
    private readonly out: Out,
  ) {}

  /** Copies everything written since the last call; returns how many bytes were new. */
  async poll(): Promise<number> {
    let total = 0;
    for (;;) {
      let data: string;
      try {
        ({ data } = await this.agent.readFile(this.path, this.#offset));
      } catch (err) {
        if (err instanceof OperatorError && err.status === 404) return total; // not created yet
        throw err;
      }
      if (!data) return total;
      const bytes = Buffer.from(data, "utf8");
      this.out.write(bytes);
      this.#offset += bytes.length;
      total += bytes.length;
    }
  }
}
