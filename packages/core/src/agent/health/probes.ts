// One health probe of a task, as Mesos's checker runs them: a command (exit 0 is healthy), an
// HTTP GET (2xx/3xx, or the listed statuses) or a TCP connect, each bounded by a timeout.
import { spawn } from "node:child_process";
import { connect } from "node:net";
import { request } from "undici";
import type * as m from "../../api/mesos/index.js";

/** Resolves when healthy; rejects with an Error saying why not. Must honour `signal` (the timeout). */
export type Probe = (signal: AbortSignal) => Promise<void>;

export interface ProbeTarget {
  /** Where the task's ports are reached (default 127.0.0.1). */
  host?: string;
  /** Working directory and environment of command checks (the task's sandbox and env). */
  cwd?: string;
  env?: Record<string, string>;
}

export class HealthCheckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HealthCheckError";
  }
}

/** Builds the probe a health check describes; `where` names it in errors (e.g. `task_infos[0].health_check`). */
export function probeFor(check: m.HealthCheck, target: ProbeTarget, where = "health_check"): Probe {
  const host = target.host ?? "127.0.0.1";
  switch (check.type) {
    case "COMMAND": {
      const cmd = check.command;
      if (!cmd || (cmd.value === undefined && (cmd.arguments ?? []).length === 0)) throw new HealthCheckError(`${where}.command: a COMMAND check needs command.value`);
      const shell = cmd.shell ?? true;
      const [file, args] = shell ? ["/bin/sh", ["-c", cmd.value ?? ""]] : [cmd.value ?? cmd.arguments![0]!, cmd.arguments?.length ? cmd.arguments.slice(1) : []];
      const env = { ...(target.env ?? { PATH: process.env.PATH ?? "/usr/bin:/bin" }) };
      for (const v of cmd.environment?.variables ?? []) env[v.name] = v.value ?? "";
      return (signal) => runCommand(file, args, { cwd: target.cwd, env, signal });
    }
    case "HTTP": {
      const http = check.http;
      if (!http) throw new HealthCheckError(`${where}.http: an HTTP check needs http.port`);
      const scheme = http.scheme ?? "http";
      if (scheme !== "http" && scheme !== "https") throw new HealthCheckError(`${where}.http.scheme: expected http or https, got ${JSON.stringify(scheme)}`);
      const path = http.path ?? "/";
      const url = `${scheme}://${host}:${http.port}${path.startsWith("/") ? path : `/${path}`}`;
      const statuses = http.statuses ?? [];
      return async (signal) => {
        const res = await request(url, { method: "GET", signal });
        await res.body.dump();
        const ok = statuses.length > 0 ? statuses.includes(res.statusCode) : res.statusCode >= 200 && res.statusCode < 400;
        if (!ok) throw new Error(`GET ${url} answered ${res.statusCode}`);
      };
    }
    case "TCP": {
      const tcp = check.tcp;
      if (!tcp) throw new HealthCheckError(`${where}.tcp: a TCP check needs tcp.port`);
      return (signal) => tcpConnect(host, tcp.port, signal);
    }
    default:
      throw new HealthCheckError(`${where}.type: expected COMMAND, HTTP or TCP, got ${JSON.stringify(check.type)}`);
  }
}

function runCommand(file: string, args: string[], o: { cwd?: string; env: Record<string, string>; signal: AbortSignal }): Promise<void> {
  return new Promise((resolve, reject) => {
    // Its own process group, so a timeout kills what the check started too.
    const child = spawn(file, args, { cwd: o.cwd, env: o.env, stdio: "ignore", detached: true });
    const onAbort = () => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    };
    o.signal.addEventListener("abort", onAbort, { once: true });
    child.once("error", (e) => {
      o.signal.removeEventListener("abort", onAbort);
      reject(new Error(`command check could not start: ${e.message}`));
    });
    child.once("exit", (code, sig) => {
      o.signal.removeEventListener("abort", onAbort);
      if (o.signal.aborted) reject(new Error("command check timed out"));
      else if (code === 0) resolve();
      else reject(new Error(sig ? `command check terminated by ${sig}` : `command check exited with status ${code}`));
    });
  });
}

function tcpConnect(host: string, port: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, signal });
    socket.once("connect", () => {
      socket.destroy();
      resolve();
    });
    socket.once("error", (e) => reject(new Error(signal.aborted ? `TCP connect to ${host}:${port} timed out` : `TCP connect to ${host}:${port} failed: ${e.message}`)));
  });
}
