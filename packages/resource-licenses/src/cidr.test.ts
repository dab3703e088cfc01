import { describe, expect, it } from "vitest";
import { cidrAddresses, cidrsOverlap, formatAddress, formatCidr, parseAddress, parseCidr, type Cidr } from "./cidr.js";

const cidr = (t: string) => parseCidr(t) as Cidr;

describe("addresses and CIDR blocks", () => {
  it("reads IPv4 and IPv6 and writes them back canonically", () => {
    for (const [text, canonical] of [
      ["10.1.2.3", "10.1.2.3"],
      ["fd00:0:0:0:0:0:0:1", "fd00::1"],
      ["FD00::0001", "fd00::1"],
      ["::ffff:10.0.0.1", "::ffff:a00:1"],
      ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
      ["::", "::"],
      ["1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"],
    ]) {
      const a = parseAddress(text!);
      expect(typeof a).toBe("object");
      expect(formatAddress(a as never)).toBe(canonical);
    }
    expect(parseAddress("10.0.0.256")).toMatch(/not an IPv4 or IPv6 address/);
  });

  it("expands a block into its addresses, lowest first", () => {
    expect([...cidrAddresses(cidr("10.0.0.4/30"))].map(formatAddress)).toEqual(["10.0.0.4", "10.0.0.5", "10.0.0.6", "10.0.0.7"]);
    expect([...cidrAddresses(cidr("fd00::/127"))].map(formatAddress)).toEqual(["fd00::", "fd00::1"]);
    expect(formatCidr(cidr("10.0.0.9"))).toBe("10.0.0.9/32");
  });

  it("says what is wrong with a bad block", () => {
    expect(parseCidr("10.0.0.5/24")).toBe('"10.0.0.5/24" has host bits set; did you mean 10.0.0.0/24?');
    expect(parseCidr("10.0.0.0/33")).toBe('"10.0.0.0/33": prefix length must be 0-32');
    expect(parseCidr("nope/8")).toMatch(/not an IPv4 or IPv6 address/);
  });

  it("finds overlaps within one IP version only", () => {
    expect(cidrsOverlap(cidr("10.0.0.0/24"), cidr("10.0.0.128/25"))).toBe(true);
    expect(cidrsOverlap(cidr("10.0.1.0/24"), cidr("10.0.0.0/24"))).toBe(false);
    expect(cidrsOverlap(cidr("::/0"), cidr("10.0.0.0/8"))).toBe(false);
  });
});
