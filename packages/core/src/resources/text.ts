import { ResourceError } from "./errors.js";
import { canonicalJson, normalizeEntry } from "./entry.js";
import { formatRanges } from "./ranges.js";
import { roleProblem } from "./roles.js";
import { formatSet } from "./sets.js";
import type { Range, Reservation, ResourceEntry, ResourceEntryInput, ResourceType } from "./types.js";

// Hand-written: the Mesos text form is a tiny ad-hoc grammar no parser library knows.

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const RANGE = /^(\d+)\s*-\s*(\d+)$/;

/**
 * Parses `cpus:4;mem:8192;ports:[31000-32000,33000-33100];disk(role1):100;zones:{a,b}` into
 * normalized entries (empty values dropped). Errors name the offending `resource "..."`.
 */
export function parseText(text: string, defaultRole: string): ResourceEntry[] {
  const p = roleProblem(defaultRole);
  if (p !== undefined) throw ResourceError.at("defaultRole", p);
  const out: ResourceEntry[] = [];
  const types = new Map<string, ResourceType>();
  for (const raw of text.split(";")) {
    const token = raw.trim();
    if (token.length === 0) continue;
    const where = `resource ${JSON.stringify(token)}`;
    const input = parseToken(token, where, defaultRole);
    const seen = types.get(input.name);
    if (seen !== undefined && seen !== input.type) throw ResourceError.at(where, `"${input.name}" was already given as ${seen}`);
    types.set(input.name, input.type!);
    const e = normalizeEntry(input, where, "text");
    if (e !== undefined) out.push(e);
  }
  return out;
}

function parseToken(token: string, where: string, defaultRole: string): ResourceEntryInput {
  // A role may contain ":", so the value starts at the first ":" after the role's ")".
  const open = token.indexOf("(");
  let colon = token.indexOf(":");
  let name = token;
  let role = defaultRole;
  if (open >= 0 && (colon < 0 || open < colon)) {
    const close = token.indexOf(")", open);
    if (close < 0) failAt(where, 'unterminated role, missing ")"');
    colon = token.indexOf(":", close);
    if (colon >= 0 && token.slice(close + 1, colon).trim().length > 0) failAt(where, `unexpected text after ")"`);
    name = token.slice(0, open).trim();
    role = token.slice(open + 1, close).trim();
    const p = roleProblem(role);
    if (p !== undefined) failAt(where, p);
  }
  if (colon < 0) failAt(where, 'missing ":" between name and value');
  if (open < 0 || open > colon) name = token.slice(0, colon).trim();
  const value = token.slice(colon + 1).trim();

  if (name.length === 0) failAt(where, "missing resource name");
  if (/[()[\]{}]/.test(name)) failAt(where, `invalid resource name ${JSON.stringify(name)}`);
  const reservations: Reservation[] = role === "*" ? [] : [{ type: "STATIC", role }];

  if (value.length === 0) failAt(where, "missing value");
  if (value.startsWith("[")) {
    if (!value.endsWith("]")) failAt(where, "unterminated range list");
    const inner = value.slice(1, -1).trim();
    const ranges: Range[] = [];
    if (inner.length > 0) {
      for (const part of inner.split(",")) {
        const m = RANGE.exec(part.trim());
        if (m === null) failAt(where, `${JSON.stringify(part.trim())} is not a range (expected begin-end)`);
        const b = Number(m![1]);
        const e = Number(m![2]);
        if (b > e) failAt(where, `range [${b}-${e}] is empty`);
        ranges.push([b, e]);
      }
    }
    return { name, type: "RANGES", ranges, reservations };
  }
  if (value.startsWith("{")) {
    if (!value.endsWith("}")) failAt(where, "unterminated set");
    const inner = value.slice(1, -1).trim();
    const set = inner.length === 0 ? [] : inner.split(",").map((s) => s.trim());
    if (set.some((s) => s.length === 0)) failAt(where, "empty item in set");
    return { name, type: "SET", set, reservations };
  }
  if (value.startsWith("]") || value.startsWith("}") || !NUMBER.test(value)) failAt(where, `${JSON.stringify(value)} is not a number`);
  return { name, type: "SCALAR", scalar: Number(value), reservations };
}

function failAt(where: string, message: string): never {
  throw ResourceError.at(where, message);
}

/**
 * One entry in Mesos text form: `cpus(role1):4` for a plain static reservation, otherwise the
 * Mesos 1.x annotations, e.g. `cpus(allocated: web)(reservations: [(DYNAMIC,web,alice)]){REV}:1`.
 */
export function formatEntry(e: ResourceEntry): string {
  let s = e.name;
  if (e.allocationRole !== undefined) s += `(allocated: ${e.allocationRole})`;
  const rs = e.reservations;
  if (rs.length === 1 && rs[0]!.type === "STATIC" && rs[0]!.principal === undefined && rs[0]!.labels === undefined) {
    s += `(${rs[0]!.role})`;
  } else if (rs.length > 0) {
    s += `(reservations: [${rs.map(formatReservation).join(",")}])`;
  }
  if (e.providerId !== undefined) s += `(provider: ${e.providerId})`;
  if (e.disk !== undefined) s += `[${canonicalJson(e.disk)}]`;
  if (e.revocable) s += "{REV}";
  return `${s}:${formatValue(e)}`;
}

function formatReservation(r: Reservation): string {
  let s = `(${r.type},${r.role}`;
  if (r.principal !== undefined) s += `,${r.principal}`;
  if (r.labels !== undefined) s += `,{${r.labels.map((l) => (l.value === undefined ? l.key : `${l.key}: ${l.value}`)).join(", ")}}`;
  return s + ")";
}

function formatValue(e: ResourceEntry): string {
  if (e.scalar !== undefined) return String(e.scalar);
  if (e.ranges !== undefined) return formatRanges(e.ranges);
  return formatSet(e.set ?? []);
}
