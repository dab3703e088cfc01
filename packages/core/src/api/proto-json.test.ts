import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ApiError } from "./api-error.js";
import {
  formatPath,
  isBase64,
  parseProto,
  pBool,
  pBytes,
  pDouble,
  pEnum,
  pEnumLenient,
  pInt32,
  pInt64,
  pRepeated,
  pRepeatedEnum,
  pString,
  pUint32,
  stripNulls,
} from "./proto-json.js";

const Msg = z.object({
  name: pString(),
  count: pInt32().optional(),
  port: pUint32().optional(),
  big: pInt64().optional(),
  ratio: pDouble().optional(),
  on: pBool().optional(),
  kind: pEnum(["A", "B"]),
  mode: pEnumLenient(["X", "Y"]),
  modes: pRepeatedEnum(["X", "Y"]),
  tags: pRepeated(pString()),
  items: pRepeated(z.object({ id: pString() })),
  blob: pBytes().optional(),
});

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    return (e as ApiError).message;
  }
  throw new Error("expected an ApiError");
}

describe("parseProto", () => {
  it("converts numeric and boolean strings the way stout does", () => {
    const v = parseProto(Msg, { name: "n", kind: "A", count: "-7", port: "8080", big: "1700000000000000000", ratio: "2.5e1", on: "false" });
    expect(v).toMatchObject({ count: -7, port: 8080, big: 1.7e18, ratio: 25, on: false });
  });

  it("refuses strings that are not JSON numbers or booleans", () => {
    expect(errorOf(() => parseProto(Msg, { name: "n", kind: "A", count: "0x10" }))).toBe("count: expected number, got string");
    expect(errorOf(() => parseProto(Msg, { name: "n", kind: "A", on: "yes" }))).toBe("on: expected boolean, got string");
  });

  it("checks integer kinds and ranges", () => {
    expect(errorOf(() => parseProto(Msg, { name: "n", kind: "A", count: 1.25 }))).toBe("count: expected int32 integer, got 1.25");
    expect(errorOf(() => parseProto(Msg, { name: "n", kind: "A", port: -1 }))).toBe("port: uint32 out of range [0, 4294967295], got -1");
    expect(errorOf(() => parseProto(Msg, { name: "n", kind: "A", count: 2 ** 31 }))).toContain("count: int32 out of range");
  });

  it("drops unknown names from optional and repeated enums but refuses them in required ones", () => {
    const v = parseProto(Msg, { name: "n", kind: "B", mode: "Z", modes: ["X", "Z", "Y"] });
    expect(v.mode).toBeUndefined();
    expect(v.modes).toEqual(["X", "Y"]);
    expect(errorOf(() => parseProto(Msg, { name: "n", kind: "C" }))).toBe('kind: unknown enum value "C", expected one of A, B');
  });

  it("wraps a lone valid element of a repeated field, and names the field when the lone value is wrong", () => {
    expect(parseProto(Msg, { name: "n", kind: "A", tags: "t", items: { id: "i" } })).toMatchObject({ tags: ["t"], items: [{ id: "i" }] });
    expect(errorOf(() => parseProto(Msg, { name: "n", kind: "A", items: "i" }))).toBe("items: expected array, got string");
  });

  it("reports every problem, each with its path", () => {
    const message = errorOf(() => parseProto(Msg, { kind: "A", items: [{ id: "ok" }, { id: 3 }], blob: "@@" }));
    expect(message).toBe("name: required field missing; items[1].id: expected string, got number; blob: invalid base64 in bytes field");
  });

  it("prefixes paths with the caller's base path", () => {
    expect(errorOf(() => parseProto(Msg, { kind: "A" }, ["subscribe", "framework_info"]))).toBe(
      "subscribe.framework_info.name: required field missing",
    );
  });

  it("does not let a __proto__ key reach the parsed value's prototype", () => {
    const v = parseProto(Msg, JSON.parse('{"name":"n","kind":"A","__proto__":{"polluted":true}}'));
    expect((v as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("treats nulls as unset and keeps __proto__ out when given raw body text, escaped or not", () => {
    for (const key of ["__proto__", "\\u005f_proto__"]) {
      const v = parseProto(Msg, Buffer.from(`{"name":"n","kind":"A","ratio":null,"${key}":{"polluted":true}}`)) as Record<string, unknown>;
      expect(v.ratio).toBeUndefined();
      expect(v.polluted).toBeUndefined();
      expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    }
  });
});

describe("helpers", () => {
  it("stripNulls removes null members and null array elements at any depth", () => {
    expect(stripNulls({ a: null, b: [1, null, { c: null, d: 2 }], e: { f: null } })).toEqual({ b: [1, { d: 2 }], e: {} });
  });

  it("formatPath writes indexes in brackets and quotes keys that are not identifiers", () => {
    expect(formatPath(["accept", "offer_ids", 0, "value"])).toBe("accept.offer_ids[0].value");
    expect(formatPath(["offer_filters", "eng/ml", "x"])).toBe('offer_filters["eng/ml"].x');
  });

  it("isBase64 follows stout: optional padding and whitespace, standard alphabet only", () => {
    expect(isBase64("bHWyr0rTTyeaInyVAnSiTA==")).toBe(true);
    expect(isBase64("bHWyr0rTTyeaInyVAnSiTA")).toBe(true);
    expect(isBase64("bHWy r0rT\nTyea")).toBe(true);
    expect(isBase64("")).toBe(true);
    expect(isBase64("bHWy-0rT")).toBe(false);
    expect(isBase64("abcde")).toBe(false);
    expect(isBase64("ab=c")).toBe(false);
  });
});
