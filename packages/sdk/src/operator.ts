import { request, type Dispatcher } from "undici";

/** An operator endpoint answered with an error status; `body` is what it said. */
export class OperatorError extends Error {
  override readonly name = "OperatorError";
  constructor(
    readonly url: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`GET ${url} answered ${status}${body ? `: ${body.trim()}` : ""}`);
  }
}

/** Read-only access to a master's or agent's operator endpoints (`/master/state`, `/files/read`, ...). */
export class OperatorClient {
  readonly base: URL;

  constructor(url: string, private readonly opts: { dispatcher?: Dispatcher; headers?: Record<string, string>; timeoutMs?: number } = {}) {
    try {
      this.base = new URL(url);
    } catch {
      throw new TypeError(`"${url}" is not a URL (expected e.g. http://127.0.0.1:5050)`);
    }
  }

  /** GETs `path` (with query) and parses JSON; a non-2xx answer throws with what the server said. */
  async getJson<T = unknown>(path: string, query: Record<string, string | number> = {}): Promise<T> {
    const url = new URL(path, this.base);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, String(v));
    const timeout = this.opts.timeoutMs ?? 10_000;
    const res = await request(url, {
      method: "GET",
      headers: { accept: "application/json", ...this.opts.headers },
      dispatcher: this.opts.dispatcher,
      headersTimeout: timeout,
      bodyTimeout: timeout,
    });
    const text = await res.body.text();
    if (res.statusCode < 200 || res.statusCode >= 300) {
      throw new OperatorError(url.href, res.statusCode, text);
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new Error(`GET ${url.href}: the answer is not JSON: ${text.slice(0, 80)}`);
    }
  }

  /** One slice of a file through the Mesos `/files/read` endpoint; `data` is empty at the end of the file. */
  readFile(path: string, offset: number, length = 64 * 1024): Promise<{ data: string; offset: number }> {
    return this.getJson("/files/read", { path, offset, length });
  }
}
