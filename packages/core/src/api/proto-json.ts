// Field builders and a parse entry point that read JSON the way Mesos's stout protobuf parser does:
// proto field names, `null` = unset, unknown fields ignored, enums by name, numbers and booleans
// also accepted as strings, bytes as base64, a lone value accepted for a repeated field.
// Every API message schema is built from these, and every parse goes through `parseProto`.
import { z } from "zod";
import { ApiError } from "./api-error.js";

export type PathSegment = string | number | symbol;

/** The JSON type of a value, named as a client would name it. */
export function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

/** `["accept", "offer_ids", 0, "value"]` → `accept.offer_ids[0].value`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else {
      const key = String(seg);
      if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) out += out === "" ? key : `.${key}`;
      else out += `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}

/** An ApiError whose message is `path: problem`. */
export function fieldError(path: readonly PathSegment[], problem: string): ApiError {
  const where = formatPath(path);
  return new ApiError(where === "" ? problem : `${where}: ${problem}`);
}

// stout parses a numeric string with its JSON number grammar; mirror that grammar exactly.
const JSON_NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;

function numberFromString(value: unknown): unknown {
  if (typeof value === "string" && JSON_NUMBER.test(value)) return Number(value);
  return value;
}

function boolFromString(value: unknown): unknown {
  if (value === "true") return true;
  if (value === "false") return false;
  return value;
}

/** proto `string`. */
export const pString = () => z.string();

/** proto `bool`; like stout, also "true"/"false" strings. */
export const pBool = () => z.preprocess(boolFromString, z.boolean());

function doubleFromString(value: unknown): unknown {
  if (value === "Infinity") return Infinity;
  if (value === "-Infinity") return -Infinity;
  return numberFromString(value);
}

/** proto `double`; like stout, also a numeric string, "Infinity" or "-Infinity". */
export const pDouble = () =>
  z.preprocess(
    doubleFromString,
    // z.number() refuses infinities, which stout (and TaskInfo.limits) allow.
    z.custom<number>().check((ctx) => {
      if (typeof ctx.value !== "number" || Number.isNaN(ctx.value)) {
        ctx.issues.push({ code: "invalid_type", expected: "number", input: ctx.value });
      }
    }),
  );

function integer(kind: string, min: number, max: number) {
  return z.preprocess(
    numberFromString,
    z.number().check((ctx) => {
      const v = ctx.value;
      if (!Number.isInteger(v)) {
        ctx.issues.push({ code: "custom", message: `expected ${kind} integer, got ${v}`, input: v });
      } else if (v < min || v > max) {
        ctx.issues.push({ code: "custom", message: `${kind} out of range [${min}, ${max}], got ${v}`, input: v });
      }
    }),
  );
}

/** proto `int32`. */
export const pInt32 = () => integer("int32", -2147483648, 2147483647);
/** proto `uint32`. */
export const pUint32 = () => integer("uint32", 0, 4294967295);
/**
 * proto `int64`, as a number or a numeric string. Kept as a JS number: values past 2^53 lose
 * their lowest digits (nanosecond timestamps lose sub-microsecond precision), which nothing here needs.
 */
export const pInt64 = () => integer("int64", Number.MIN_SAFE_INTEGER * 1024, Number.MAX_SAFE_INTEGER * 1024);
/** proto `uint64`; see pInt64 about precision. */
export const pUint64 = () => integer("uint64", 0, Number.MAX_SAFE_INTEGER * 2048);

// Node's base64 decoder silently skips bad characters, so validate by hand with stout's rules:
// standard alphabet, whitespace ignored, optional '=' padding at the end.
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** True when `text` is base64 that stout would decode (standard alphabet, padding optional). */
export function isBase64(text: string): boolean {
  const compact = text.replace(/\s+/g, "");
  if (!BASE64.test(compact)) return false;
  const unpadded = compact.replace(/=+$/, "");
  return unpadded.length % 4 !== 1 && (compact.length === unpadded.length || compact.length % 4 === 0);
}

/** proto `bytes`: a base64 string in JSON; the value stays the base64 text. */
export const pBytes = () =>
  z.string().check((ctx) => {
    if (!isBase64(ctx.value)) {
      ctx.issues.push({ code: "custom", message: "invalid base64 in bytes field", input: ctx.value });
    }
  });

/** Decode a `bytes` field's base64 text. */
export function decodeBytes(base64: string): Buffer {
  return Buffer.from(base64, "base64");
}

/** Encode raw bytes for a `bytes` field. */
export function encodeBytes(bytes: Uint8Array | string): string {
  return Buffer.from(bytes).toString("base64");
}

function enumMessage(values: readonly string[], got: unknown): string {
  return `unknown enum value ${JSON.stringify(got)}, expected one of ${values.join(", ")}`;
}

/** A required enum field: stout rejects an unknown name. */
export function pEnum<const T extends readonly [string, ...string[]]>(values: T) {
  return z.string().check((ctx) => {
    if (!values.includes(ctx.value)) {
      ctx.issues.push({ code: "custom", message: enumMessage(values, ctx.value), input: ctx.value });
    }
  }) as unknown as z.ZodType<T[number], T[number]>;
}

/**
 * An optional enum field: like proto2 (and stout), an unknown name leaves the field unset
 * rather than failing, so newer clients keep working against this master.
 */
export function pEnumLenient<const T extends readonly [string, ...string[]]>(values: T) {
  return z
    .string()
    .transform((v): T[number] | undefined => ((values as readonly string[]).includes(v) ? v : undefined))
    .optional();
}

/** A repeated enum field: unknown names are dropped, as stout does. */
export function pRepeatedEnum<const T extends readonly [string, ...string[]]>(values: T) {
  return pRepeated(z.string()).transform((xs) =>
    xs === undefined ? undefined : xs.filter((v): v is T[number] => (values as readonly string[]).includes(v)),
  );
}

/**
 * A repeated field, optional like every repeated field in proto (absent = empty).
 * stout also accepts a lone element in place of an array; only a lone value that is a valid
 * element is wrapped, so anything else is reported as "expected array" at the field itself.
 */
export function pRepeated<S extends z.ZodType>(element: S) {
  return z
    .preprocess(
      (v) => (v === undefined || Array.isArray(v) || !element.safeParse(v).success ? v : [v]),
      z.array(element),
    )
    .optional();
}

/** A proto `map<string, V>`: a JSON object of key → value. */
export function pMap<S extends z.ZodType>(value: S) {
  return z.record(z.string(), value).optional();
}

/** Drops `null` members and array elements (stout treats them as unset) and `__proto__` keys. */
export function stripNulls(value: unknown): unknown {
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) if (item !== null) out.push(stripNulls(item));
    return out;
  }
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === null || k === "__proto__") continue;
      out[k] = stripNulls(v);
    }
    return out;
  }
  return value;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_type") {
    if (!("input" in issue) || issue.input === undefined) return "required field missing";
    return `expected ${issue.expected}, got ${jsonType(issue.input)}`;
  }
  if (issue.code === "invalid_union") return "value matches none of the accepted shapes";
  return issue.message;
}

/** Turns zod issues into one ApiError: `path: problem` for each, in document order. */
export function issuesToApiError(issues: readonly z.core.$ZodIssue[], basePath: readonly PathSegment[] = []): ApiError {
  const parts = issues.slice(0, 5).map((issue) => {
    const where = formatPath([...basePath, ...issue.path]);
    const what = describeIssue(issue);
    return where === "" ? what : `${where}: ${what}`;
  });
  if (issues.length > 5) parts.push(`(${issues.length - 5} more)`);
  return new ApiError(parts.join("; "));
}

/** Reads raw JSON text (string or bytes) or an already-parsed value. */
export function readJsonBody(body: unknown): unknown {
  return typeof body === "string" || body instanceof Uint8Array ? parseJsonText(bodyText(body)) : body;
}

function bodyText(body: string | Uint8Array): string {
  if (typeof body === "string") return body;
  // Buffer.from(aBuffer) would copy the bytes; a view over them decodes the same.
  return (Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength)).toString("utf8");
}

function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ApiError(`request body is not valid JSON: ${(e as Error).message}`);
  }
}

const NEEDS_STRIPPING = /null|__proto__|\\u/;

/**
 * Parse a JSON message as stout does: the body must be a JSON object; nulls are unset; unknown
 * fields are dropped; any shape error is an ApiError naming the field path.
 */
export function parseProto<S extends z.ZodType>(schema: S, body: unknown, basePath: readonly PathSegment[] = []): z.output<S> {
  const text = typeof body === "string" || body instanceof Uint8Array ? bodyText(body) : undefined;
  const json = text === undefined ? body : parseJsonText(text);
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw fieldError(basePath, `expected a JSON object, got ${jsonType(json)}`);
  }
  // Most bodies have no nulls to strip and no __proto__ key to drop (not even \u-escaped): skip the deep copy for them.
  const clean = text !== undefined && !NEEDS_STRIPPING.test(text) ? json : stripNulls(json);
  // reportInput makes zod several times slower on every call; only a failed parse needs the
  // offending values (for "got ..." in the message), so the rare failure is parsed twice.
  const result = schema.safeParse(clean);
  if (result.success) return result.data;
  const reported = schema.safeParse(clean, { reportInput: true });
  throw issuesToApiError(reported.success ? result.error.issues : reported.error.issues, basePath);
}
