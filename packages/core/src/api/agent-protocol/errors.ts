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

/**
 * JSON `null` means "unset" (stout's protobuf parser); drop such fields before validation.
 * Copy on write: a value with no null member inside (nearly every call) is returned as it is.
 */
export function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      const c = dropNulls(v);
      if (out === undefined && c !== v) out = value.slice(0, i);
      out?.push(c);
    }
    return out ?? value;
  }
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    let out: Record<string, unknown> | undefined;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      const v = record[k];
      const c = v === null ? null : dropNulls(v);
      // A `__proto__` key also takes the copying path, whose assignment it has always gone through.
      if (out === undefined && (c !== v || v === null || k === "__proto__")) {
        out = {};
        for (let j = 0; j < i; j++) out[keys[j]!] = record[keys[j]!];
      }
      if (out !== undefined && c !== null) out[k] = c;
    }
    return out ?? value;
  }
  return value;
}
