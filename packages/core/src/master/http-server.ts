import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import type { Registry as PromRegistry } from "prom-client";
import { parseAgentCall } from "../api/agent-protocol/calls.js";
import { AgentProtocolError } from "../api/agent-protocol/errors.js";
import { AGENT_PROTOCOL_PATH, AGENT_STREAM_ID_HEADER } from "../api/agent-protocol/http.js";
import type { AgentEvent } from "../api/agent-protocol/events.js";
import { ApiError } from "../api/api-error.js";
import { parseOperatorCall } from "../api/operator/call.js";
import { operatorResponse, type OperatorResponse } from "../api/operator/response.js";
import { readJsonBody } from "../api/proto-json.js";
import { parseSchedulerCall } from "../api/scheduler/parse-call.js";
import type { SchedulerEvent } from "../api/scheduler/events.js";
import type { LeaderElection } from "./leader.js";
import type { Master } from "./master.js";
import { metricsSnapshot } from "./metrics.js";
import { RecordIOSink } from "./recordio-sink.js";
import { getAgents, getFrameworks, getRoles, getState, getTasks, masterStateJson } from "./state-view.js";

export interface MasterHttpOptions {
  master: Master;
  leader: LeaderElection;
  log: Logger;
  promRegistry: PromRegistry;
  /** What `GET /modules` lists (the module loader's result). */
  modules: () => { modules: unknown[]; warnings: string[]; [more: string]: unknown };
  /** Shown under `flags` in `/master/state`. */
  flags?: Record<string, string>;
  /** Largest request body accepted (default 8 MiB). */
  maxBodyBytes?: number;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

// Answers carry Content-Length, as Mesos's do: writeHead() without it makes node:http chunk the body.
function text(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", "Content-Length": Buffer.byteLength(body), ...headers });
  res.end(body);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(payload) });
  res.end(payload);
}

/** 202 Accepted with an empty body (Content-Length: 0, not an empty chunked body). */
function accepted(res: ServerResponse): void {
  res.statusCode = 202;
  res.end();
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new HttpError(413, `request body larger than ${limit} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    // Body chunks are the parser's own copies: a body of one chunk (nearly all calls) needs no concat copy.
    req.on("end", () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** Mesos refuses anything but JSON (we do not speak protobuf): 415. */
function requireJson(req: IncomingMessage): void {
  const raw = req.headers["content-type"];
  if (raw === "application/json") return; // what clients send, without the split and copies below
  const type = (raw ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/json") {
    throw new HttpError(415, `Content-Type: expected application/json, got ${type === "" ? "none" : JSON.stringify(type)}`);
  }
}

/** Whether the client asked for `application/recordio` framing (Mesos ≥ 1.3 streaming content negotiation). */
function wantsRecordIO(req: IncomingMessage): boolean {
  const accept = req.headers.accept;
  if (accept === undefined) return false;
  if (!/application\/json|application\/recordio|\*\/\*/.test(accept)) {
    throw new HttpError(406, `Accept: ${JSON.stringify(accept)} is not supported; use application/json or application/recordio`);
  }
  return accept.includes("application/recordio") && !accept.includes("application/json");
}

// A plain absolute path, as clients send it, is its own pathname (new URL() per request showed in
// the master's profile); anything else (query, escapes, dot segments, "//") goes through URL.
const PLAIN_PATH = /^\/(?!\/)[A-Za-z0-9_/-]*$/;

function pathOf(url: string | undefined): string {
  return url !== undefined && PLAIN_PATH.test(url) ? url : new URL(url ?? "/", "http://localhost").pathname;
}

/**
 * The master's HTTP endpoints as one request handler for node:http: the scheduler API, the
 * operator API, the internal agent protocol, state, health and metrics. Any bad request is
 * answered (400 naming the field, 415, 413, ...) and the master keeps serving.
 */
export function createMasterHandler(options: MasterHttpOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { master, leader, log } = options;
  const limit = options.maxBodyBytes ?? 8 * 1024 * 1024;

  const redirectIfFollower = (req: IncomingMessage): void => {
    if (leader.isLeader()) return;
    const url = leader.leaderUrl();
    if (url === undefined) throw new HttpError(503, "no leading master is elected yet");
    throw new HttpError(307, `not the leader; the leader is ${url}`, { Location: new URL(req.url ?? "/", url).toString() });
  };

  const scheduler: Handler = async (req, res) => {
    redirectIfFollower(req);
    requireJson(req);
    const recordio = wantsRecordIO(req);
    const call = parseSchedulerCall(await readBody(req, limit));
    if (call.type === "SUBSCRIBE") {
      let ids = { frameworkId: "", streamId: "" };
      const sink = new RecordIOSink<SchedulerEvent>(res, () => master.frameworkDisconnected(ids.frameworkId, ids.streamId));
      ids = await master.subscribe(call, sink);
      sink.open({
        "Content-Type": recordio ? "application/recordio" : "application/json",
        ...(recordio && { "Message-Content-Type": "application/json" }),
        "Mesos-Stream-Id": ids.streamId,
      });
      // The client may have gone while the registry was written.
      if (sink.closed) master.frameworkDisconnected(ids.frameworkId, ids.streamId);
      return;
    }
    const streamId = req.headers["mesos-stream-id"];
    if (typeof streamId !== "string" || streamId === "") {
      throw new HttpError(400, "Mesos-Stream-Id: header missing; every call but SUBSCRIBE must carry the stream id SUBSCRIBE answered with");
    }
    await master.schedulerCall(call, streamId);
    accepted(res);
  };

  const agent: Handler = async (req, res) => {
    redirectIfFollower(req);
    requireJson(req);
    const body = readJsonBody(await readBody(req, limit));
    const call = parseAgentCall(body);
    if (call.type === "REGISTER" || call.type === "REREGISTER") {
      let ids = { agentId: "", streamId: "" };
      const sink = new RecordIOSink<AgentEvent>(res, () => master.agentDisconnected(ids.agentId, ids.streamId));
      ids = call.type === "REGISTER" ? await master.registerAgent(call, sink) : await master.reregisterAgent(call, sink);
      sink.open({ "Content-Type": "application/json", [AGENT_STREAM_ID_HEADER]: ids.streamId });
      if (sink.closed) master.agentDisconnected(ids.agentId, ids.streamId);
      return;
    }
    await master.agentCall(call);
    accepted(res);
  };

  const operator: Handler = async (req, res) => {
    redirectIfFollower(req);
    requireJson(req);
    wantsRecordIO(req);
    const call = parseOperatorCall(await readBody(req, limit));
    let response: OperatorResponse;
    switch (call.type) {
      case "GET_HEALTH":
        response = operatorResponse("GET_HEALTH", { healthy: true });
        break;
      case "GET_VERSION":
        response = operatorResponse("GET_VERSION", { version_info: { version: master.config.version } });
        break;
      case "GET_METRICS":
        response = operatorResponse("GET_METRICS", {
          metrics: Object.entries(metricsSnapshot(master, leader.isLeader())).map(([name, value]) => ({ name, value })),
        });
        break;
      case "GET_STATE":
        response = operatorResponse("GET_STATE", getState(master));
        break;
      case "GET_AGENTS":
        response = operatorResponse("GET_AGENTS", getAgents(master));
        break;
      case "GET_FRAMEWORKS":
        response = operatorResponse("GET_FRAMEWORKS", getFrameworks(master));
        break;
      case "GET_TASKS":
        response = operatorResponse("GET_TASKS", getTasks(master));
        break;
      case "GET_ROLES":
        response = operatorResponse("GET_ROLES", getRoles(master));
        break;
      case "GET_MASTER":
        response = operatorResponse("GET_MASTER", {
          master_info: master.masterInfo(),
          start_time: master.startTime / 1000,
          ...(master.electedTime !== undefined && { elected_time: master.electedTime / 1000 }),
        });
        break;
    }
    json(res, 200, response);
  };

  const state: Handler = (_req, res) => json(res, 200, masterStateJson(master, { flags: options.flags ?? {} }));

  const routes: Record<string, Partial<Record<string, Handler>>> = {
    "/api/v1/scheduler": { POST: scheduler },
    "/api/v1": { POST: operator },
    [AGENT_PROTOCOL_PATH]: { POST: agent },
    "/master/state": { GET: state },
    "/master/state.json": { GET: state },
    "/state": { GET: state },
    "/state.json": { GET: state },
    "/health": { GET: (_req, res) => json(res, 200, { healthy: true }) },
    "/master/health": { GET: (_req, res) => json(res, 200, { healthy: true }) },
    "/version": { GET: (_req, res) => json(res, 200, { version: master.config.version }) },
    "/metrics/snapshot": { GET: (_req, res) => json(res, 200, metricsSnapshot(master, leader.isLeader())) },
    "/metrics": {
      GET: async (_req, res) => {
        const body = await options.promRegistry.metrics();
        res.writeHead(200, { "Content-Type": options.promRegistry.contentType, "Content-Length": Buffer.byteLength(body) });
        res.end(body);
      },
    },
    "/modules": { GET: (_req, res) => json(res, 200, options.modules()) },
  };

  return (req, res) => {
    const path = pathOf(req.url);
    const methods = routes[path];
    const handler = methods?.[req.method ?? "GET"];
    if (!methods) return text(res, 404, `no endpoint ${path}`);
    if (!handler) return text(res, 405, `${req.method} is not allowed on ${path}; use ${Object.keys(methods).join(", ")}`, { Allow: Object.keys(methods).join(", ") });
    const refuse = (e: unknown): void => {
      let status = 500;
      let headers: Record<string, string> = {};
      if (e instanceof HttpError) {
        status = e.status;
        headers = e.headers;
      } else if (e instanceof ApiError || e instanceof AgentProtocolError) {
        status = e.status;
      } else {
        log.error({ err: e, path }, "request failed");
      }
      const message = e instanceof Error ? e.message : String(e);
      if (status < 500 && status !== 307) log.info({ path, status, message }, "request refused");
      if (res.headersSent) {
        res.end();
        return;
      }
      text(res, status, message, headers);
    };
    // Called directly (not from a .then) so a call costs one promise less; a synchronous throw is refused the same way.
    try {
      handler(req, res)?.catch(refuse);
    } catch (e) {
      refuse(e);
    }
  };
}
