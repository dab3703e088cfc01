import { describe, expect, it } from "vitest";
import { dropNulls } from "./errors.js";

describe("dropNulls", () => {
  it("drops null members at any depth and keeps null array elements, as before", () => {
    const input = JSON.parse('{"a":1,"b":null,"c":{"d":null,"e":[{"f":null,"g":2},null]},"h":"x"}');
    expect(dropNulls(input)).toEqual({ a: 1, c: { e: [{ g: 2 }, null] }, h: "x" });
    expect(Object.keys(dropNulls(input) as object)).toEqual(["a", "c", "h"]);
  });

  it("leaves its input untouched and copies only the objects that had a null inside", () => {
    const input = JSON.parse('{"keep":{"x":[1,2]},"change":{"y":null,"z":3}}');
    const out = dropNulls(input) as Record<string, Record<string, unknown>>;
    expect(input.change).toEqual({ y: null, z: 3 });
    expect(out.keep).toBe(input.keep);
    expect(out.change).not.toBe(input.change);
  });

  it("returns a value without nulls as it is, without a copy", () => {
    const input = JSON.parse('{"type":"STATUS_UPDATES","status_updates":{"updates":[{"a":{"value":"x"}}]}}');
    expect(dropNulls(input)).toBe(input);
  });

  it("does not let a __proto__ key become an own member of the result", () => {
    const input = JSON.parse('{"__proto__":{"polluted":true},"a":1}');
    const out = dropNulls(input) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(["a"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
