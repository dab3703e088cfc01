/** A pino-shaped logger that drops everything but remembers warnings, for tests that check them. */
export function silentLog(): { warnings: string[]; infos: string[] } & Record<string, unknown> {
  const warnings: string[] = [];
  const infos: string[] = [];
  const log: Record<string, unknown> = {
    warnings,
    infos,
    level: "silent",
    child: () => log,
    isLevelEnabled: () => false,
    trace() {},
    debug() {},
    fatal() {},
    error() {},
    info: (a: unknown, b?: string) => void infos.push(typeof a === "string" ? a : (b ?? "")),
    warn: (a: unknown, b?: string) => void warnings.push(typeof a === "string" ? a : (b ?? "")),
  };
  return log as never;
}
