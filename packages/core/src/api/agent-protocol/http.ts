/** The one endpoint of the internal agent protocol (all calls are POSTed here). */
export const AGENT_PROTOCOL_PATH = "/internal/agent";
/** Set by the master on the REGISTER/REREGISTER stream response; later calls may echo it. */
export const AGENT_STREAM_ID_HEADER = "Tessera-Agent-Stream-Id";
/** Defaults the master announces in REGISTERED (Mesos: agent_ping_timeout 15s, max 5 missed). */
export const DEFAULT_AGENT_PING_INTERVAL_SECONDS = 15;
export const DEFAULT_AGENT_PING_TIMEOUT_SECONDS = 75;
