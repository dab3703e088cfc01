import { Resources } from "@tessera/core";
import { describe, expect, it } from "vitest";
import { BandwidthPool } from "./bandwidth-pool.js";
import { parseCidr, type Cidr } from "./cidr.js";
import { IpPool } from "./ip-pool.js";
import { LicensePool } from "./license-pool.js";
import { StaticSource, type LicenseCountSource } from "./license-source.js";
import { visibleTo } from "./pool.js";

const seats = (n: number) => Resources.of({ name: "matlab", scalar: n, providerId: "licenses" });
const ips = (...a: string[]) => Resources.of({ name: "ips.public", type: "SET", set: a, providerId: "ip-addresses" });
const cidr = (t: string) => parseCidr(t) as Cidr;

/** A source whose count the test moves. */
class Movable implements LicenseCountSource {
  constructor(public n: number) {}
  available() {
    return this.n;
  }
  async start() {}
  stop() {}
  describe() {
    return { type: "test" };
  }
}

describe("LicensePool", () => {
  it("hands out whole seats up to the count and refuses the rest, saying how many are free", () => {
    const pool = new LicensePool({ name: "matlab", resource: "matlab" }, new StaticSource(3));
    pool.allocate("f/t1", seats(2));
    expect(pool.check("f/t2", seats(2))).toBe('license pool "matlab": 2 seats asked for f/t2, 1 free of 3');
    expect(() => pool.allocate("f/t2", seats(0.5))).toThrow('license pool "matlab": license seats are whole numbers, got 0.5');
    pool.allocate("f/t2", seats(1));
    expect(pool.used()).toBe(3);
    expect(pool.release("f/t1")).toBe(2);
    expect(pool.free()).toBe(2);
    expect(pool.total("licenses").entries()).toMatchObject([{ name: "matlab", scalar: 3, providerId: "licenses" }]);
  });

  it("lets holders keep their seats when the count drops, and refuses new ones until enough come back", () => {
    const source = new Movable(3);
    const pool = new LicensePool({ name: "matlab", resource: "matlab" }, source);
    pool.allocate("f/t1", seats(2));
    source.n = 1;
    expect(pool.holds("f/t1")).toBe(true);
    expect(pool.free()).toBe(0);
    expect(pool.check("f/t2", seats(1))).toMatch(/1 seats asked for f\/t2, 0 free of 1/);
    pool.release("f/t1");
    expect(pool.check("f/t2", seats(1))).toBeUndefined();
    expect(pool.total("licenses").scalar("matlab")).toBe(1);
  });

  it("offers at most perOffer seats", () => {
    const pool = new LicensePool({ name: "matlab", resource: "matlab", perOffer: 2 }, new StaticSource(5));
    expect(pool.offerable(seats(5)).scalar("matlab")).toBe(2);
    expect(pool.offerable(seats(1)).scalar("matlab")).toBe(1);
  });
});

describe("IpPool", () => {
  const pool = () => new IpPool({ name: "public", resource: "ips.public", cidrs: [cidr("10.0.0.0/29")], exclude: [cidr("10.0.0.0/31")] });

  it("is the blocks minus the exclusions, one SET item per address", () => {
    const p = pool();
    expect(p.addresses).toEqual(["10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6", "10.0.0.7"]);
    expect(p.total("ip-addresses").set("ips.public")).toHaveLength(6);
  });

  it("gives a task exactly the addresses it asked for, never one address to two tasks", () => {
    const p = pool();
    p.allocate("f/t1", ips("10.0.0.3", "10.0.0.5"));
    expect(p.addressesOf("f/t1")).toEqual(["10.0.0.3", "10.0.0.5"]);
    expect(p.check("f/t2", ips("10.0.0.5"))).toBe('ip pool "public": 10.0.0.5 is held by f/t1');
    expect(p.check("f/t2", ips("10.0.0.1"))).toBe('ip pool "public": 10.0.0.1 is not in the pool (10.0.0.0/29 minus 10.0.0.0/31)');
    expect(p.free()).toEqual(["10.0.0.2", "10.0.0.4", "10.0.0.6", "10.0.0.7"]);
    expect(p.release("f/t1")).toBe(2);
    expect(p.check("f/t2", ips("10.0.0.5"))).toBeUndefined();
  });

  it("offers perOffer addresses out of the free ones", () => {
    const p = new IpPool({ name: "public", resource: "ips.public", cidrs: [cidr("10.0.0.0/30")], perOffer: 1 });
    expect(p.offerable(ips("10.0.0.1", "10.0.0.2")).set("ips.public")).toHaveLength(1);
  });
});

describe("BandwidthPool", () => {
  it("hands out fractions of a link's Mbit/s", () => {
    const p = new BandwidthPool({ name: "wan", resource: "bandwidth.wan" }, 100);
    const mbps = (n: number) => Resources.of({ name: "bandwidth.wan", scalar: n, providerId: "bandwidth" });
    p.allocate("f/t1", mbps(33.3));
    p.allocate("f/t2", mbps(66.7));
    expect(p.free()).toBe(0);
    expect(p.check("f/t3", mbps(0.001))).toBe('bandwidth pool "wan": 0.001 Mbit/s asked for f/t3, 0 free of 100');
  });
});

describe("allocate, shared by every kind", () => {
  const mbps = (n: number) => Resources.of({ name: "bandwidth.wan", scalar: n, providerId: "bandwidth" });
  const kinds = [
    { pool: new LicensePool({ name: "matlab", resource: "matlab" }, new StaticSource(1)), fits: seats(1), refused: seats(2) },
    { pool: new IpPool({ name: "public", resource: "ips.public", cidrs: [cidr("10.0.0.0/31")] }), fits: ips("10.0.0.1"), refused: ips("10.0.0.1", "10.0.1.1") },
    { pool: new BandwidthPool({ name: "wan", resource: "bandwidth.wan" }, 10), fits: mbps(10), refused: mbps(10.5) },
  ];

  it.each(kinds.map((k) => [k.pool.kind, k] as const))("%s: throws what check says and takes nothing; takes what fits", (_kind, { pool, fits, refused }) => {
    const reason = pool.check("f/t1", refused);
    expect(reason).toMatch(new RegExp(`^${pool.kind} pool "${pool.name}": `));
    expect(() => pool.allocate("f/t1", refused)).toThrow(reason);
    expect(pool.holds("f/t1")).toBe(false);
    expect(pool.status().used).toBe(0);
    pool.allocate("f/t1", fits);
    expect(pool.holds("f/t1")).toBe(true);
    const taken = pool.check("f/t2", fits);
    expect(taken).toEqual(expect.any(String));
    expect(() => pool.allocate("f/t2", fits)).toThrow(taken);
  });
});

describe("role visibility", () => {
  it("shows a pool with roles to those roles and their sub-roles only", () => {
    const pool = { roles: ["eng", "ops/db"] };
    expect(visibleTo(pool, "eng")).toBe(true);
    expect(visibleTo(pool, "eng/ml")).toBe(true);
    expect(visibleTo(pool, "ops")).toBe(false);
    expect(visibleTo(pool, "engineering")).toBe(false);
    expect(visibleTo({ roles: undefined }, "anyone")).toBe(true);
  });
});
