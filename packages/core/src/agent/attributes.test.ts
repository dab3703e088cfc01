import { describe, expect, it } from "vitest";
import { parseAttributes } from "./attributes.js";

describe("parseAttributes", () => {
  it("reads text, scalar, ranges and set attributes", () => {
    expect(parseAttributes("rack:a; zone:z1;rank:3;slots:[1-4,8-9];tags:{x,y}")).toEqual([
      { name: "rack", type: "TEXT", text: { value: "a" } },
      { name: "zone", type: "TEXT", text: { value: "z1" } },
      { name: "rank", type: "SCALAR", scalar: { value: 3 } },
      { name: "slots", type: "RANGES", ranges: { range: [{ begin: 1, end: 4 }, { begin: 8, end: 9 }] } },
      { name: "tags", type: "SET", set: { item: ["x", "y"] } },
    ]);
  });

  it("is empty for empty text", () => {
    expect(parseAttributes("")).toEqual([]);
  });

  it("names the attribute that is malformed", () => {
    expect(() => parseAttributes("rack:a;zone")).toThrow('--attributes[1] "zone": expected name:value');
    expect(() => parseAttributes("slots:[5-1]")).toThrow('--attributes[0] "slots:[5-1]": range [5-1] is empty');
  });
});
