import { request, type Dispatcher } from "undici";
import { MesosCallError } from "./errors.js";

export interface PostOptions {
  headers?: Record<string, string>;
  signal?: AbortSignal;
  dispatcher?: Dispatcher;
  maxRedirects?: number;
  /** Long-lived streams are watched by heartbeats, not by undici's body timeout. */
  stream?: boolean;
}

export interface PostResult {
  /** Where the request finally landed (after redirects): the leading master. */
  url: URL;
  response: Dispatcher.ResponseData;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * POSTs JSON, following redirects by hand: undici's request() does not, and a Mesos master that is
 * not the leader answers 307 with a Location (often scheme-relative, `//host:port/api/v1/scheduler`).
 */
export async function postJson(url: URL, body: unknown, opts: PostOptions = {}): Promise<PostResult> {
  const payload = JSON.stringify(body);
  const max = opts.maxRedirects ?? 5;
  let target = url;
  for (let hop = 0; ; hop++) {
    const response = await request(target, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json", ...opts.headers },
      body: payload,
      signal: opts.signal,
      dispatcher: opts.dispatcher,
      ...(opts.stream ? { bodyTimeout: 0 } : {}),
    });
    if (!REDIRECTS.has(response.statusCode)) return { url: target, response };
    await response.body.dump();
    const location = header(response.headers, "location");
    const call = typeof body === "object" && body && "type" in body ? String(body.type) : "POST";
    if (!location) throw new MesosCallError(call, response.statusCode, "redirect without a Location header", target.href);
    if (hop >= max) throw new MesosCallError(call, response.statusCode, `more than ${max} redirects (last to ${location})`, target.href);
    target = new URL(location, target);
  }
}

export function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}
