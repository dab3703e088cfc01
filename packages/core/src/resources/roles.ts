// Role names follow Mesos rules (roles::validate): hierarchical with "/", e.g. "eng/ml".

const INVALID_CHARS = /[\x00-\x20\x7f]/;
/** Common, certainly valid names (no component starts with "." or "-"), checked in one step. */
const PLAIN = /^[A-Za-z0-9_][A-Za-z0-9_.-]*(?:\/[A-Za-z0-9_][A-Za-z0-9_.-]*)*$/;

/** Why `role` is not a valid role name, or undefined if it is. "*" is valid (unreserved). */
export function roleProblem(role: string): string | undefined {
  if (role === "*" || PLAIN.test(role)) return undefined;
  if (role.length === 0) return "role must not be empty";
  if (role.startsWith("/") || role.endsWith("/")) return `role "${role}" must not start or end with "/"`;
  for (const part of role.split("/")) {
    if (part.length === 0) return `role "${role}" must not contain "//"`;
    if (part === "." || part === "..") return `role "${role}" must not have a "${part}" component`;
    if (part === "*") return `role "${role}" must not have a "*" component`;
    if (part.startsWith("-")) return `role "${role}" has a component starting with "-"`;
    if (INVALID_CHARS.test(part)) return `role "${role}" must not contain whitespace or control characters`;
  }
  return undefined;
}

/** True when `child` is strictly below `parent` in the role tree ("a/b/c" under "a" and "a/b"). */
export function isStrictSubrole(child: string, parent: string): boolean {
  return child.length > parent.length && child.charCodeAt(parent.length) === 47 /* "/" */ && child.startsWith(parent);
}

/** Ancestors of a role, nearest first: "a/b/c" gives ["a/b", "a"]. */
export function ancestorRoles(role: string): string[] {
  const out: string[] = [];
  for (let i = role.lastIndexOf("/"); i > 0; i = role.lastIndexOf("/", i - 1)) out.push(role.slice(0, i));
  return out;
}
