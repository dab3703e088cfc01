// docker-modem wraps Engine errors as "(HTTP code 404) no such container - <message> ";
// tasks and operators want the Engine's own words.

interface ModemError {
  statusCode?: number;
  json?: { message?: string } | null;
  message?: string;
}

/** The Engine's reason for a failed call, without docker-modem's decoration. */
export function engineReason(err: unknown): string {
  const e = err as ModemError;
  const fromJson = e?.json && typeof e.json === "object" ? e.json.message : undefined;
  if (fromJson) return fromJson.trim();
  const text = e instanceof Error ? e.message : String(err);
  return text.replace(/^\(HTTP code \d+\) [^-]*- /, "").trim();
}

export function isNotFound(err: unknown): boolean {
  return (err as ModemError)?.statusCode === 404;
}

export function isNotModified(err: unknown): boolean {
  return (err as ModemError)?.statusCode === 304;
}
