import { ResourceError } from "./errors.js";
import { MAX_SCALAR, fromMillis, toMillis } from "./fixed.js";
import { isMerged, mergeRanges } from "./ranges.js";
import { isStrictSubrole, roleProblem } from "./roles.js";
import { normalizeSet } from "./sets.js";
import type { Label, Range, Reservation, ResourceEntry, ResourceEntryInput, ResourceType } from "./types.js";

// Builds validated, normalized entries and the "kind key" that says which entries merge.

/** How sub-paths are spelled in errors: JSON proto names, `ResourceEntry` names, or none (text). */
export type PathStyle = "json" | "entry" | "text";

const FIELD: Record<PathStyle, Record<"SCALAR" | "RANGES" | "SET" | "scalar" | "range" | "item" | "alloc" | "provider" | "name", string>> = {
  json: { SCALAR: "scalar", RANGES: "ranges", SET: "set", scalar: ".scalar.value", range: ".ranges.range", item: ".set.item", alloc: ".allocation_info.role", provider: ".provider_id.value", name: ".name" },
  entry: { SCALAR: "scalar", RANGES: "ranges", SET: "set", scalar: ".scalar", range: ".ranges", item: ".set", alloc: ".allocationRole", provider: ".providerId", name: ".name" },
  text: { SCALAR: "scalar", RANGES: "ranges", SET: "set", scalar: "", range: "", item: "", alloc: "", provider: "", name: "" },
};

const TYPES: readonly ResourceType[] = ["SCALAR", "RANGES", "SET"];

/** Separator inside kind keys; names, roles and ids may not contain control characters. */
const SEP = "\x1f";
const CONTROL = /[\x00-\x1f\x7f]/;

/** Builds an entry object; every entry has the same property order (one hidden class). */
export function makeEntry(
  name: string,
  type: ResourceType,
  scalar: number | undefined,
  ranges: readonly Range[] | undefined,
  set: readonly string[] | undefined,
  reservations: readonly Reservation[],
  revocable: boolean,
  providerId: string | undefined,
  disk: unknown,
  allocationRole: string | undefined,
): ResourceEntry {
  return { name, type, scalar, ranges, set, reservations, revocable, providerId, disk, allocationRole };
}

/** Same entry with a new value (metadata shared, not copied). */
export function withValue(e: ResourceEntry, scalar: number | undefined, ranges: readonly Range[] | undefined, set: readonly string[] | undefined): ResourceEntry {
  return makeEntry(e.name, e.type, scalar, ranges, set, e.reservations, e.revocable, e.providerId, e.disk, e.allocationRole);
}

/** Same entry with other metadata. */
export function withMeta(e: ResourceEntry, reservations: readonly Reservation[], allocationRole: string | undefined): ResourceEntry {
  return makeEntry(e.name, e.type, e.scalar, e.ranges, e.set, reservations, e.revocable, e.providerId, e.disk, allocationRole);
}

/** Key equal for exactly the entries of the same kind; sorts by name first. */
export function kindKey(e: ResourceEntry): string {
  return baseKey(e) + SEP + allocKey(e.allocationRole);
}

/** Kind key with the allocation role replaced, reusing the rest of an existing key. */
export function rekeyAllocation(key: string, allocationRole: string | undefined): string {
  return key.slice(0, key.lastIndexOf(SEP) + 1) + allocKey(allocationRole);
}

function allocKey(role: string | undefined): string {
  return role === undefined ? "" : "a" + role;
}

function baseKey(e: ResourceEntry): string {
  let k = e.name + SEP + e.type + SEP;
  for (const r of e.reservations) {
    k += (r.type === "STATIC" ? "S" : "D") + r.role;
    if (r.principal !== undefined) k += "p" + JSON.stringify(r.principal);
    if (r.labels !== undefined) k += "l" + JSON.stringify(r.labels.map((l) => [l.key, l.value]));
    k += ";";
  }
  k += SEP + (e.revocable ? "R" : "") + SEP;
  if (e.providerId !== undefined) k += "p" + e.providerId;
  k += SEP;
  if (e.disk !== undefined) k += canonicalJson(e.disk);
  return k;
}

// Hand-written because key order must not matter and no stable stringify is a declared dependency.
/** JSON with object keys sorted, so equal values give equal strings. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? "null" : canonicalJson(v))).join(",")}]`;
  const keys = Object.keys(value).sort();
  const parts: string[] = [];
  for (const k of keys) {
    const v = (value as Record<string, unknown>)[k];
    if (v !== undefined) parts.push(`${JSON.stringify(k)}:${canonicalJson(v)}`);
  }
  return `{${parts.join(",")}}`;
}

function fail(where: string, sub: string, message: string): never {
  throw ResourceError.at(where + sub, message);
}

/**
 * Validates one entry and returns it normalized (scalar rounded, ranges merged, set sorted),
 * or undefined when its value is empty (Mesos drops empty resources).
 * `where` names the entry in errors, e.g. `resources[2]`.
 */
export function normalizeEntry(input: ResourceEntryInput, where: string, style: PathStyle): ResourceEntry | undefined {
  const f = FIELD[style];
  const name = input.name;
  if (typeof name !== "string" || name.length === 0) fail(where, f.name, "name must be a non-empty string");
  if (CONTROL.test(name)) fail(where, f.name, `name ${JSON.stringify(name)} must not contain control characters`);

  const type = input.type ?? (input.ranges !== undefined ? "RANGES" : input.set !== undefined ? "SET" : "SCALAR");
  if (!TYPES.includes(type)) fail(where, style === "json" ? ".type" : style === "entry" ? ".type" : "", `expected SCALAR, RANGES or SET, got ${JSON.stringify(type)}`);
  const present = { SCALAR: input.scalar !== undefined, RANGES: input.ranges !== undefined, SET: input.set !== undefined };
  if (!present[type]) fail(where, "", `type ${type} needs field ${f[type]}`);
  for (const other of TYPES) {
    if (other !== type && present[other]) fail(where, "", `type ${type} must not have field ${f[other]}`);
  }

  let scalar: number | undefined;
  let ranges: Range[] | undefined;
  let set: string[] | undefined;
  if (type === "SCALAR") {
    const v = input.scalar;
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0) fail(where, f.scalar, `must be a non-negative number, got ${show(v)}`);
    if (v > MAX_SCALAR) fail(where, f.scalar, `must be at most ${MAX_SCALAR}, got ${v}`);
    const m = toMillis(v);
    if (m === 0) return undefined;
    scalar = fromMillis(m);
  } else if (type === "RANGES") {
    const rs = input.ranges!;
    rs.forEach((r, i) => {
      const sub = style === "text" ? "" : `${f.range}[${i}]`;
      if (!Array.isArray(r) || r.length !== 2) fail(where, sub, `expected [begin, end], got ${show(r)}`);
      const [b, e] = r;
      for (const x of [b, e]) {
        if (!Number.isSafeInteger(x) || x < 0) fail(where, sub, `range bounds must be non-negative integers, got ${show(x)}`);
      }
      if (b > e) fail(where, sub, `range [${b}-${e}] is empty`);
    });
    ranges = isMerged(rs) ? rs.map((r) => [r[0], r[1]] as const) : mergeRanges(rs);
    if (ranges.length === 0) return undefined;
  } else {
    const items = input.set!;
    const seen = new Set<string>();
    items.forEach((item, i) => {
      const sub = style === "text" ? "" : `${f.item}[${i}]`;
      if (typeof item !== "string") fail(where, sub, `set items must be strings, got ${show(item)}`);
      if (seen.has(item)) fail(where, sub, `duplicate item ${JSON.stringify(item)}`);
      seen.add(item);
    });
    set = normalizeSet(items);
    if (set.length === 0) return undefined;
  }

  const reservations = normalizeReservations(input.reservations ?? [], where, style);
  const providerId = input.providerId;
  if (providerId !== undefined && (typeof providerId !== "string" || providerId.length === 0 || CONTROL.test(providerId))) {
    fail(where, f.provider, `provider id must be a non-empty string without control characters, got ${show(providerId)}`);
  }
  const alloc = input.allocationRole;
  if (alloc !== undefined) {
    const p = typeof alloc === "string" ? roleProblem(alloc) : "role must be a string";
    // "*" is a valid allocation role: frameworks in the default role are offered resources too.
    if (p !== undefined) fail(where, f.alloc, p);
  }
  return makeEntry(name, type, scalar, ranges, set, reservations, input.revocable === true, providerId, input.disk, alloc);
}

function normalizeReservations(rs: readonly Reservation[], where: string, style: PathStyle): readonly Reservation[] {
  if (rs.length === 0) return EMPTY_RESERVATIONS;
  return rs.map((r, i) => {
    const at = style === "text" ? "" : `.reservations[${i}]`;
    if (r.type !== "STATIC" && r.type !== "DYNAMIC") fail(where, at + (at && ".type"), `expected STATIC or DYNAMIC, got ${show(r.type)}`);
    const p = typeof r.role === "string" ? roleProblem(r.role) : "role must be a string";
    if (p !== undefined) fail(where, at + (at && ".role"), p);
    if (r.role === "*") fail(where, at + (at && ".role"), `cannot reserve to role "*"`);
    if (i > 0) {
      const below = rs[i - 1]!;
      if (r.type === "STATIC") fail(where, at + (at && ".type"), "only the first reservation of a stack may be STATIC");
      if (!isStrictSubrole(r.role, below.role)) fail(where, at + (at && ".role"), `role "${r.role}" must refine "${below.role}" (be a sub-role of it)`);
    }
    const out: { type: Reservation["type"]; role: string; principal?: string; labels?: readonly Label[] } = { type: r.type, role: r.role };
    if (r.principal !== undefined) out.principal = r.principal;
    if (r.labels !== undefined) out.labels = r.labels.map((l) => (l.value === undefined ? { key: l.key } : { key: l.key, value: l.value }));
    return out;
  });
}

export const EMPTY_RESERVATIONS: readonly Reservation[] = Object.freeze([]) as readonly Reservation[];

function show(v: unknown): string {
  if (typeof v === "number") return String(v);
  return JSON.stringify(v) ?? String(v);
}
