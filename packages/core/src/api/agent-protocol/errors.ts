import type { z } from "zod";

/** A malformed agent↔master message; `message` names the field path and the problem. */
export class AgentProtocolError extends Error {
  /** HTTP status to answer with: 400 for a malformed call, 403 for an agent the master does not know. */
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = "AgentProtocolError";
  }
}

/** "register.agent_info.port: expected number, received string" — first issue only, as Mesos does. */
export function describeZodError(error: z.ZodError, prefix = ""): string {
  const issue = error.issues[0];
  if (!issue) return prefix || "invalid message";
  const path = [prefix, ...issue.path.map((p) => (typeof p === "number" ? `[${p}]` : String(p)))]
    .filter((p) => p !== "")
    .join(".")
    .replace(/\.\[/g, "[");
  return `${path || "(body)"}: ${issue.message}`;
}

/** JSON `null` means "unset" (stout's protobuf parser); drop such fields before validation. */
export function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = dropNulls(v);
    return out;
  }
  return value;
}
