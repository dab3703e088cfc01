// HTTP plumbing shared by the end-to-end bench's simulated framework and agents: RecordIO event
// streams (calls go through CallConnection).
import { Pool } from "undici";
import { RecordIODecoder } from "../src/api/index.js";

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface EventStream {
  headers: Record<string, string | string[] | undefined>;
  /** Resolves when the stream ends (or is closed). */
  ended: Promise<void>;
  close(): void;
}

/** Opens a long-lived POST whose answer is a RecordIO stream of JSON events (SUBSCRIBE, REGISTER). */
export async function openStream(origin: string, path: string, body: Json, onEvent: (e: Json) => void): Promise<EventStream> {
  const abort = new AbortController();
  // Its own connection: a stream holds one for its whole life.
  const p = new Pool(origin, { connections: 1 });
  const res = await p.request({
    method: "POST",
    path,
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify(body),
    signal: abort.signal,
  });
  if (res.statusCode !== 200) throw new Error(`${path} ${body.type}: ${res.statusCode} ${await res.body.text()}`);
  const decoder = new RecordIODecoder();
  const ended = (async () => {
    try {
      for await (const chunk of res.body) for (const record of decoder.decode(chunk as Uint8Array)) onEvent(JSON.parse(record) as Json);
    } catch {
      // closed by close()
    }
  })();
  return {
    headers: res.headers,
    ended,
    close: () => {
      abort.abort();
      void p.destroy();
    },
  };
}
