import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Logger } from "pino";
import type { Agent } from "../agent.js";
import { HttpError } from "./http-error.js";
import { monitorView } from "./monitor-view.js";
import { stateView } from "./state-view.js";
import { resolveFilesPath, type SandboxEntry } from "./virtual-paths.js";

/** Reads inside one sandbox, refusing anything that would leave it (the sandbox engineer's safe reader). */
export interface SandboxFiles {
  /** Mesos /files/read: `offset` -1 (or absent) answers the size with no data. */
  read(sandbox: string, relative: string, offset: number, length: number | undefined): Promise<{ data: string; offset: number }>;
  /** Mesos /files/browse entries; their paths start with `base` (the path the client asked for). */
  browse(sandbox: string, relative: string, base: string): Promise<unknown[]>;
}

export interface AgentServerDeps {
  /** Late-bound: the server listens before the agent exists (the agent advertises the bound port). */
  agent: () => Agent | undefined;
  files: SandboxFiles;
  /** What `GET /modules` lists (the module loader's view). */
  modules: () => unknown[];
  log: Logger;
}

type Route = (url: URL) => Promise<unknown> | unknown;

/** The agent's HTTP endpoints: /health, /state, /modules, /monitor/statistics, /files/read, /files/browse. */
export function createAgentServer(deps: AgentServerDeps): Server {
  const need = (): Agent => {
    const a = deps.agent();
    if (!a) throw new HttpError(503, "agent is starting");
    return a;
  };
  const routes: Record<string, Route> = {
    "/health": () => ({ healthy: true, agent_id: deps.agent()?.agentId() ?? null, connected: deps.agent()?.connected ?? false }),
    "/state": () => stateView(need()),
    "/modules": () => deps.modules(),
    "/monitor/statistics": () => monitorView(need()),
    "/files/read": (url) => {
      const t = resolveFilesPath(url.searchParams.get("path"), sandboxEntries(need()));
      const offset = intParam(url, "offset", -1);
      const length = url.searchParams.has("length") ? intParam(url, "length", 0) : undefined;
      if (offset < -1) throw new HttpError(400, `offset: must be -1 or more, got ${offset}`);
      if (length !== undefined && length < 0) throw new HttpError(400, `length: must be 0 or more, got ${length}`);
      return deps.files.read(t.sandbox, t.relative, offset, length);
    },
    "/files/browse": (url) => {
      const path = url.searchParams.get("path");
      const t = resolveFilesPath(path, sandboxEntries(need()));
      return deps.files.browse(t.sandbox, t.relative, (path ?? "").replace(/\/+$/, ""));
    },
  };
  // Mesos serves the same documents with a .json suffix too.
  for (const k of Object.keys(routes)) routes[`${k}.json`] = routes[k]!;

  return createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://agent");
    const route = routes[url.pathname];
    const answer = (status: number, body: unknown) => {
      const text = typeof body === "string" ? body : JSON.stringify(body);
      res.writeHead(status, { "content-type": typeof body === "string" ? "text/plain; charset=utf-8" : "application/json" });
      res.end(text);
    };
    if (!route) return answer(404, `no endpoint ${url.pathname}`);
    if (req.method !== "GET" && req.method !== "HEAD") return answer(405, `${url.pathname}: use GET`);
    Promise.resolve()
      .then(() => route(url))
      .then(
        (body) => answer(200, body),
        (err: unknown) => {
          if (err instanceof HttpError) return answer(err.status, err.message);
          const code = (err as NodeJS.ErrnoException).code;
          if (code === "ENOENT") return answer(404, `${url.searchParams.get("path") ?? url.pathname}: no such file`);
          const status = (err as { status?: unknown }).status;
          if (typeof status === "number" && status >= 400 && status < 500) return answer(status, (err as Error).message);
          deps.log.error({ path: url.pathname, err: (err as Error).message }, "agent endpoint failed");
          answer(500, (err as Error).message);
        },
      );
  });
}

function intParam(url: URL, name: string, fallback: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === "") return fallback;
  if (!/^-?\d+$/.test(raw)) throw new HttpError(400, `${name}: expected an integer, got "${raw}"`);
  return Number(raw);
}

/** Every container with a sandbox the agent knows, oldest first (completed ones before live ones). */
export function sandboxEntries(agent: Agent): SandboxEntry[] {
  const out: SandboxEntry[] = [];
  for (const t of agent.completedTasks()) {
    if (t.sandbox) out.push({ frameworkId: t.frameworkId, executorId: t.executorId, containerId: t.containerId, taskId: t.task.task_id.value, sandbox: t.sandbox });
  }
  for (const r of agent.tasks.all()) {
    if (r.sandbox) out.push({ frameworkId: r.frameworkId, executorId: r.executorId, containerId: r.containerId, taskId: r.task.task_id.value, sandbox: r.sandbox });
  }
  return out;
}
