import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

/** The host programs the process containerizer execs; absolute paths. */
export interface Tools {
  /** POSIX shell for the supervisor and `shell: true` commands. */
  sh: string;
  /** util-linux, only when a plan asks: nsenter (netnsPath), unshare + mount (mounts), setpriv (user). */
  nsenter?: string;
  unshare?: string;
  mount?: string;
  setpriv?: string;
  /** Only for `shell: false` commands whose argv[0] differs from the executable (bash's exec -a). */
  bash?: string;
}

// sbin dirs too: an agent started by a non-login shell may not have them in PATH.
const SEARCH = [...(process.env.PATH ?? "").split(delimiter), "/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

/** The absolute path of `name` on this host, or undefined. */
export function which(name: string): string | undefined {
  for (const dir of SEARCH) {
    if (!dir.startsWith("/")) continue;
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Finds the optional tools (a plan that needs a missing one is refused then); `given` overrides the search. */
export function findTools(given: Partial<Tools> = {}): Tools {
  const maybe = (name: keyof Tools, bin: string) => given[name] ?? which(bin);
  const tools: Tools = { sh: given.sh ?? "/bin/sh" };
  for (const [name, bin] of [["nsenter", "nsenter"], ["unshare", "unshare"], ["mount", "mount"], ["setpriv", "setpriv"], ["bash", "bash"]] as const) {
    const p = maybe(name, bin);
    if (p) tools[name] = p;
  }
  return tools;
}
