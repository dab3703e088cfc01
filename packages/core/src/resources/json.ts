import { z } from "zod";
import { ResourceError, type ResourceIssue } from "./errors.js";
import { normalizeEntry } from "./entry.js";
import { roleProblem } from "./roles.js";
import type { Label, LegacyResourceJSON, Reservation, ResourceEntry, ResourceJSON, ResourceType } from "./types.js";

// Reads and writes the Mesos v1 JSON form. Structure and JSON types are checked by zod;
// meaning (ranges not empty, roles valid, refinement) by normalizeEntry. `null` means unset.

const LabelsJSON = z.object({
  labels: z.array(z.object({ key: z.string(), value: z.string().nullish() })).nullish(),
});

const ReservationJSON = z.object({
  type: z.enum(["STATIC", "DYNAMIC"]),
  role: z.string(),
  principal: z.string().nullish(),
  labels: LabelsJSON.nullish(),
});

const scalarValue = z.number({
  error: (iss) => `must be a non-negative number, got ${iss.input === undefined ? "nothing" : show(iss.input)}`,
});

/** zod schema of one Mesos v1 JSON `Resource` (structure only; `Resources.fromJSON` checks the rest). */
export const ResourceJSONSchema = z.object({
  name: z.string(),
  type: z.enum(["SCALAR", "RANGES", "SET"]),
  scalar: z.object({ value: scalarValue }).nullish(),
  ranges: z.object({ range: z.array(z.object({ begin: z.number().int(), end: z.number().int() })).nullish() }).nullish(),
  set: z.object({ item: z.array(z.string()).nullish() }).nullish(),
  role: z.string().nullish().describe('deprecated: pre-refinement role, "*" = unreserved'),
  reservation: z.object({ principal: z.string().nullish(), labels: LabelsJSON.nullish() }).nullish().describe("deprecated: pre-refinement dynamic reservation"),
  reservations: z.array(ReservationJSON).nullish(),
  revocable: z.object({}).nullish(),
  provider_id: z.object({ value: z.string() }).nullish(),
  disk: z.record(z.string(), z.unknown()).nullish(),
  allocation_info: z.object({ role: z.string().nullish() }).nullish(),
});

// Built once: zod compiles a fast parser per schema instance on first use.
const ResourcesJSONSchema = z.array(ResourceJSONSchema);

/** JSON Schema (draft 2020-12) of an array of Mesos v1 `Resource`s, for API docs. */
export function resourcesJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(ResourcesJSONSchema, { io: "input" }) as Record<string, unknown>;
}

type Parsed = z.infer<typeof ResourceJSONSchema>;

/**
 * Validates an array of JSON resources and returns normalized entries (empty ones dropped).
 * Resources with neither `role` nor `reservations` are statically reserved to `defaultRole`
 * unless it is "*" (as Mesos does for `--resources` given as JSON).
 */
export function entriesFromJSON(value: unknown, path: string, defaultRole = "*"): ResourceEntry[] {
  if (!Array.isArray(value)) throw ResourceError.at(path, `expected an array of resources, got ${describe(value)}`);
  const res = ResourcesJSONSchema.safeParse(value);
  if (!res.success) {
    // Custom messages only when needed: per-call options take zod off its compiled fast path.
    const detailed = ResourcesJSONSchema.safeParse(value, { error: message });
    const issues: ResourceIssue[] = (detailed.error ?? res.error).issues.map((i) => ({ path: formatPath(path, i.path), message: i.message }));
    const first = issues[0]!;
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? "s" : ""})` : "";
    throw new ResourceError(`${first.path}: ${first.message}${more}`, issues);
  }
  const out: ResourceEntry[] = [];
  const types = new Map<string, [ResourceType, number]>();
  res.data.forEach((r, i) => {
    const where = `${path}[${i}]`;
    const seen = types.get(r.name);
    if (seen !== undefined && seen[0] !== r.type) throw ResourceError.at(`${where}.type`, `"${r.name}" is ${seen[0]} in ${path}[${seen[1]}], got ${r.type}`);
    if (seen === undefined) types.set(r.name, [r.type, i]);
    const e = normalizeEntry(
      {
        name: r.name,
        type: r.type,
        scalar: r.scalar?.value,
        ranges: r.ranges ? (r.ranges.range ?? []).map((x) => [x.begin, x.end] as const) : undefined,
        set: r.set ? (r.set.item ?? []) : undefined,
        reservations: reservationsOf(r.role == null && defaultRole !== "*" && !r.reservations?.length ? { ...r, role: defaultRole } : r, where),
        revocable: r.revocable != null,
        providerId: r.provider_id?.value,
        disk: r.disk == null ? undefined : stripNulls(r.disk),
        allocationRole: r.allocation_info?.role ?? undefined,
      },
      where,
      "json",
    );
    if (e !== undefined) out.push(e);
  });
  return out;
}

/** Reservation stack from either format: `reservations`, or legacy `role` + `reservation`. */
function reservationsOf(r: Parsed, where: string): Reservation[] {
  const stack = r.reservations ?? [];
  if (stack.length > 0) {
    const top = stack[stack.length - 1]!.role;
    if (r.role != null && r.role !== top) throw ResourceError.at(`${where}.role`, `"${r.role}" does not match the top of reservations ("${top}")`);
    if (r.reservation != null) throw ResourceError.at(`${where}.reservation`, "must not be set together with reservations");
    return stack.map((x) => reservation(x.type, x.role, x.principal, x.labels));
  }
  const role = r.role ?? "*";
  const p = roleProblem(role);
  if (p !== undefined) throw ResourceError.at(`${where}.role`, p);
  if (role === "*") {
    if (r.reservation != null) throw ResourceError.at(`${where}.reservation`, 'an unreserved resource (role "*") cannot have a reservation');
    return [];
  }
  if (r.reservation == null) return [{ type: "STATIC", role }];
  return [reservation("DYNAMIC", role, r.reservation.principal, r.reservation.labels)];
}

function reservation(type: Reservation["type"], role: string, principal: string | null | undefined, labels: z.infer<typeof LabelsJSON> | null | undefined): Reservation {
  const out: { type: Reservation["type"]; role: string; principal?: string; labels?: Label[] } = { type, role };
  if (principal != null) out.principal = principal;
  if (labels != null) out.labels = (labels.labels ?? []).map((l) => (l.value == null ? { key: l.key } : { key: l.key, value: l.value }));
  return out;
}

/** Opaque JSON with null members removed (null means unset), so equal infos compare equal. */
function stripNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripNulls);
  if (v === null || typeof v !== "object") return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = stripNulls(x);
  return out;
}

/** One entry as Mesos v1 JSON (post-refinement format). */
export function entryToJSON(e: ResourceEntry): ResourceJSON {
  const j: ResourceJSON = { name: e.name, type: e.type };
  if (e.scalar !== undefined) j.scalar = { value: e.scalar };
  if (e.ranges !== undefined) j.ranges = { range: e.ranges.map((r) => ({ begin: r[0], end: r[1] })) };
  if (e.set !== undefined) j.set = { item: [...e.set] };
  if (e.reservations.length > 0) {
    j.reservations = e.reservations.map((r) => {
      const o: ResourceJSON["reservations"] & object = [{ type: r.type, role: r.role }];
      if (r.principal !== undefined) o[0]!.principal = r.principal;
      if (r.labels !== undefined) o[0]!.labels = { labels: r.labels.map((l) => ({ ...l })) };
      return o[0]!;
    });
  }
  if (e.revocable) j.revocable = {};
  if (e.providerId !== undefined) j.provider_id = { value: e.providerId };
  if (e.disk !== undefined) j.disk = e.disk;
  if (e.allocationRole !== undefined) j.allocation_info = { role: e.allocationRole };
  return j;
}

/** One entry in the pre-refinement format; a refined stack (2+ reservations) cannot be expressed. */
export function entryToLegacyJSON(e: ResourceEntry): LegacyResourceJSON {
  const { reservations, ...rest } = entryToJSON(e);
  const rs = e.reservations;
  if (rs.length > 1) {
    throw new ResourceError(`resource "${e.name}" has a refined reservation stack (${rs.map((r) => r.role).join(" > ")}) that the pre-refinement format cannot express`);
  }
  const j: LegacyResourceJSON = { ...rest, role: rs.length === 0 ? "*" : rs[0]!.role };
  if (rs.length === 1 && rs[0]!.type === "DYNAMIC") {
    j.reservation = {};
    if (reservations![0]!.principal !== undefined) j.reservation.principal = reservations![0]!.principal;
    if (reservations![0]!.labels !== undefined) j.reservation.labels = reservations![0]!.labels;
  }
  return j;
}

/** Error text for zod issues, in the "what is wrong, what was expected" style. */
function message(iss: z.core.$ZodRawIssue): string | undefined {
  if (iss.code === "invalid_type") {
    if (iss.input === undefined) return "required field is missing";
    if (iss.expected === "int") return `must be an integer, got ${show(iss.input)}`;
    return `expected ${article(iss.expected)}, got ${describe(iss.input)}`;
  }
  if (iss.code === "invalid_value") {
    const vs = iss.values.map(String);
    const list = vs.length > 1 ? `${vs.slice(0, -1).join(", ")} or ${vs[vs.length - 1]}` : vs[0];
    return `expected ${list}, got ${show(iss.input)}`;
  }
  return undefined;
}

function article(t: string): string {
  return t === "object" || t === "array" || t === "integer" ? `an ${t}` : `a ${t}`;
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return "an object";
  return `${typeof v} ${show(v)}`;
}

function show(v: unknown): string {
  return typeof v === "number" ? String(v) : (JSON.stringify(v) ?? String(v));
}

function formatPath(base: string, path: readonly PropertyKey[]): string {
  let s = base;
  for (const seg of path) s += typeof seg === "number" ? `[${seg}]` : `.${String(seg)}`;
  return s;
}
