import { execFileSync } from "node:child_process";

/** A thing a system test needs from the machine: root, a binary, a running daemon. */
export interface Prerequisite {
  readonly name: string;
  /** Returns undefined when satisfied, else why not. */
  check(): string | undefined;
}

export const SYSTEM_TESTS_ENV = "TESSERA_SYSTEM_TESTS";

export function systemTestsRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[SYSTEM_TESTS_ENV] === "1";
}

export const root: Prerequisite = {
  name: "root",
  check: () => (process.getuid?.() === 0 ? undefined : "not running as root"),
};

export function binary(name: string, versionArgs: string[] = ["--version"]): Prerequisite {
  return {
    name,
    check() {
      try {
        execFileSync(name, versionArgs, { stdio: "ignore", timeout: 10_000 });
        return undefined;
      } catch (err) {
        return `${name} is not usable: ${(err as Error).message.split("\n")[0]}`;
      }
    },
  };
}

export class MissingPrerequisiteError extends Error {}

/**
 * Decides whether a system test suite runs. Without TESSERA_SYSTEM_TESTS=1 a missing prerequisite
 * skips the suite with a loud warning; with it (as in CI) a missing prerequisite is an error, so a
 * broken CI machine cannot pass by skipping.
 */
export function checkPrerequisites(
  suite: string,
  prerequisites: readonly Prerequisite[],
  env: NodeJS.ProcessEnv = process.env,
): { run: boolean; missing: string[] } {
  const missing = prerequisites.flatMap((p) => {
    const why = p.check();
    return why === undefined ? [] : [`${p.name}: ${why}`];
  });
  if (missing.length === 0) return { run: true, missing };
  const message = `system test "${suite}" needs ${missing.join("; ")}`;
  if (systemTestsRequired(env)) throw new MissingPrerequisiteError(`${message} (${SYSTEM_TESTS_ENV}=1 makes this a failure)`);
  console.warn(`\n*** SKIPPING ${message}. Set ${SYSTEM_TESTS_ENV}=1 to make this a failure. ***\n`);
  return { run: false, missing };
}
