import type { z } from "zod";

/** `a.b[0].c` — the way operators write paths into their config. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out;
}

function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "string") return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === "number" || typeof value === "boolean") return `${typeof value} ${String(value)}`;
  return typeof value;
}

/**
 * One line per offending key: "<path>: <problem>, got <value>". Zod's default messages do
 * not say what was found, and unrecognized keys come as one issue for several keys.
 * Issues must come from a parse with `reportInput: true` for the "got" part.
 */
export function describeIssues(issues: ReadonlyArray<z.core.$ZodIssue>, root: ReadonlyArray<PropertyKey> = []): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    const path = [...root, ...issue.path];
    const at = (p: ReadonlyArray<PropertyKey>) => formatPath(p) || "(top level)";
    const input = (issue as { input?: unknown }).input;
    switch (issue.code) {
      case "unrecognized_keys":
        for (const key of issue.keys) lines.push(`${at([...path, key])}: unknown key`);
        break;
      case "invalid_type":
        lines.push(
          input === undefined
            ? `${at(path)}: required, expected ${issue.expected}`
            : `${at(path)}: expected ${issue.expected}, got ${describeValue(input)}`,
        );
        break;
      case "invalid_value":
        lines.push(`${at(path)}: expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}, got ${describeValue(input)}`);
        break;
      case "invalid_union": {
        const expected = issue.errors.flatMap((branch) =>
          branch.length === 1 && branch[0]?.code === "invalid_type" && branch[0].path.length === 0 ? [branch[0].expected] : [],
        );
        lines.push(
          expected.length === issue.errors.length
            ? `${at(path)}: expected ${expected.join(" or ")}, got ${describeValue(input)}`
            : `${at(path)}: ${issue.message}, got ${describeValue(input)}`,
        );
        break;
      }
      default: {
        const got = input === undefined || typeof input === "object" ? "" : `, got ${describeValue(input)}`;
        lines.push(`${at(path)}: ${issue.message}${got}`);
      }
    }
  }
  return lines;
}

/**
 * Parses stored JSON text (a checkpoint, a registry record: untrusted input) and checks it with
 * `schema`; what is wrong goes to `refuse` as one line ("not JSON (...)" or the issues), which
 * makes the caller's error naming the file or key.
 */
export function parseStoredJson<S extends z.ZodType>(text: string, schema: S, refuse: (problem: string) => Error): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw refuse(`not JSON (${(err as Error).message})`);
  }
  const parsed = schema.safeParse(json, { reportInput: true });
  if (!parsed.success) throw refuse(describeIssues(parsed.error.issues).join("; "));
  return parsed.data;
}
