import { readFileSync } from "node:fs";

export interface LocalUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

// Node has no getpwnam; the local databases are all the agent needs (Mesos also reads them).
function entries(file: string): string[][] {
  try {
    return readFileSync(file, "utf8")
      .split("\n")
      .filter((l) => l !== "" && !l.startsWith("#"))
      .map((l) => l.split(":"));
  } catch {
    return [];
  }
}

/** The user named `name` in /etc/passwd, or undefined. */
export function lookupUser(name: string, passwd = "/etc/passwd"): LocalUser | undefined {
  const e = entries(passwd).find((f) => f[0] === name);
  if (!e || e.length < 6) return undefined;
  return { name, uid: Number(e[2]), gid: Number(e[3]), home: e[5] ?? "/" };
}

/** uid → user name and gid → group name, falling back to the number (as `ls -l` does). */
export function ownerNames(passwd = "/etc/passwd", group = "/etc/group"): { user(uid: number): string; group(gid: number): string } {
  const users = new Map(entries(passwd).map((f) => [Number(f[2]), f[0] ?? ""]));
  const groups = new Map(entries(group).map((f) => [Number(f[2]), f[0] ?? ""]));
  return { user: (uid) => users.get(uid) ?? String(uid), group: (gid) => groups.get(gid) ?? String(gid) };
}
