/** The master refused a call; `status` is the HTTP status, `body` what the master said. */
export class MesosCallError extends Error {
  override readonly name = "MesosCallError";
  constructor(
    readonly call: string,
    readonly status: number,
    readonly body: string,
    readonly url: string,
  ) {
    super(`${call}: ${url} answered ${status}${body ? `: ${body.trim()}` : ""}`);
  }

  /** 4xx: retrying the same call will not help. */
  get permanent(): boolean {
    return this.status >= 400 && this.status < 500;
  }
}

/** No event (not even a heartbeat) arrived for longer than the master promised. */
export class HeartbeatLostError extends Error {
  override readonly name = "HeartbeatLostError";
  constructor(readonly silentMs: number) {
    super(`no event from the master for ${silentMs} ms (heartbeats lost)`);
  }
}

/** A call needs a subscription (framework id and stream id) the client does not have. */
export class NotSubscribedError extends Error {
  override readonly name = "NotSubscribedError";
  constructor(call: string) {
    super(`${call}: the client is not subscribed; call subscribe() and wait for SUBSCRIBED first`);
  }
}
