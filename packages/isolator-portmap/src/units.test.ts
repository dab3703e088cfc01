import { describe, expect, it } from "vitest";
import { parseRate, parseSize, tcRate } from "./units.js";

describe("rates and sizes", () => {
  it("reads tc's units: bits for *bit, bytes for *bps", () => {
    expect(parseRate("10mbit")).toBe(10_000_000);
    expect(parseRate("1.5gbit")).toBe(1_500_000_000);
    expect(parseRate("125kbps")).toBe(1_000_000);
    expect(parseRate(4000)).toBe(4000);
    expect(() => parseRate("10 megs")).toThrow('expected a rate such as "10mbit"');
  });

  it("reads sizes in bytes with binary multiples", () => {
    expect(parseSize("32kb")).toBe(32 * 1024);
    expect(parseSize("1500")).toBe(1500);
    expect(parseSize("2m")).toBe(2 * 1024 * 1024);
    expect(() => parseSize("lots")).toThrow("expected a size");
  });

  it("writes whole bits per second for tc", () => {
    expect(tcRate(10_000_000.4)).toBe("10000000bit");
  });
});
