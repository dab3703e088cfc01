import { describe, expect, it } from "vitest";
import { Resources } from "./resources.js";

describe("Resources.parse (Mesos text form)", () => {
  it("reads scalars, ranges, sets and roles", () => {
    const r = Resources.parse("cpus:4;mem:8192;ports:[31000-32000,33000-33100];disk(role1):100;zones:{a,b}");
    expect(r.scalar("cpus")).toBe(4);
    expect(r.scalar("mem")).toBe(8192);
    expect(r.ranges("ports")).toEqual([
      [31000, 32000],
      [33000, 33100],
    ]);
    expect(r.set("zones")).toEqual(["a", "b"]);
    expect(r.reservedTo("role1").scalar("disk")).toBe(100);
    expect(r.unreserved().scalar("disk")).toBe(0);
  });

  it("tolerates whitespace, empty parts and the explicit unreserved role", () => {
    const r = Resources.parse("  cpus(*) : 1.5 ; ; ports : [ 1 - 2 , 5-6 ] ; zones: { x , y };");
    expect(r.unreserved().scalar("cpus")).toBe(1.5);
    expect(r.ranges("ports")).toEqual([
      [1, 2],
      [5, 6],
    ]);
    expect(r.set("zones")).toEqual(["x", "y"]);
  });

  it("statically reserves unannotated resources to the default role", () => {
    const r = Resources.parse("cpus:2;mem(*):10", "ops");
    expect(r.reservedTo("ops").scalar("cpus")).toBe(2);
    expect(r.entries().find((e) => e.name === "cpus")!.reservations).toEqual([{ type: "STATIC", role: "ops" }]);
    expect(r.unreserved().scalar("mem")).toBe(10);
  });

  it("merges repeated resources of the same kind and drops empty ones", () => {
    const r = Resources.parse("cpus:1;cpus:2;cpus(a):1;ports:[1-2];ports:[3-4];gpus:0");
    expect(r.size).toBe(3);
    expect(r.toString()).toBe("cpus:3; cpus(a):1; ports:[1-4]");
  });

  it("reads the JSON form when the text is a JSON array", () => {
    const r = Resources.parse('[{"name":"cpus","type":"SCALAR","scalar":{"value":2}}]');
    expect(r.scalar("cpus")).toBe(2);
    const json = '[{"name":"cpus","type":"SCALAR","scalar":{"value":2}},{"name":"mem","type":"SCALAR","scalar":{"value":5},"role":"*"}]';
    const reserved = Resources.parse(json, "ops");
    expect(reserved.reservedTo("ops").toString()).toBe("cpus(ops):2");
    expect(reserved.unreserved().toString()).toBe("mem:5");
    expect(() => Resources.parse("[{]")).toThrow(/^resources: invalid JSON: /);
  });

  it.each([
    ["ports:[31000-", 'resource "ports:[31000-": unterminated range list'],
    ["cpus:abc", 'resource "cpus:abc": "abc" is not a number'],
    ["cpus", 'resource "cpus": missing ":" between name and value'],
    ["cpus:", 'resource "cpus:": missing value'],
    [":4", 'resource ":4": missing resource name'],
    ["cpus(ops:1", 'resource "cpus(ops:1": unterminated role, missing ")"'],
    ["cpus:-1", 'resource "cpus:-1": must be a non-negative number, got -1'],
    ["ports:[31000-30000]", 'resource "ports:[31000-30000]": range [31000-30000] is empty'],
    ["ports:[a-b]", 'resource "ports:[a-b]": "a-b" is not a range (expected begin-end)'],
    ["zones:{a,b", 'resource "zones:{a,b": unterminated set'],
    ["zones:{a,a}", 'resource "zones:{a,a}": duplicate item "a"'],
    ["zones:{a,,b}", 'resource "zones:{a,,b}": empty item in set'],
    ["cpus(a b):1", 'resource "cpus(a b):1": role "a b" must not contain whitespace or control characters'],
    ["cpus(/a):1", 'resource "cpus(/a):1": role "/a" must not start or end with "/"'],
    ["cpus(a)x:1", 'resource "cpus(a)x:1": unexpected text after ")"'],
  ])("rejects %s naming the part", (text, message) => {
    expect(() => Resources.parse(text)).toThrow(message);
  });

  it("names the failing part in a longer text and rejects one name with two types", () => {
    expect(() => Resources.parse("cpus:4; mem:lots; disk:1")).toThrow('resource "mem:lots": "lots" is not a number');
    expect(() => Resources.parse("cpus:1;cpus:[1-2]")).toThrow('resource "cpus:[1-2]": "cpus" was already given as SCALAR');
    expect(() => Resources.parse("cpus:1", "a//b")).toThrow('defaultRole: role "a//b" must not contain "//"');
  });
});

describe("Resources#toString", () => {
  it("prints the Mesos text form that parse reads back", () => {
    const text = "cpus:4; disk(role1):100; mem:8192; ports:[31000-32000, 33000-33100]; zones:{a, b}";
    expect(Resources.parse(text).toString()).toBe(text);
    expect(Resources.parse(Resources.parse(text).toString()).equals(Resources.parse(text))).toBe(true);
  });

  it("annotates dynamic and refined reservations, allocation, provider, disk and revocable like Mesos", () => {
    const r = Resources.of({
      name: "cpus",
      scalar: 1,
      reservations: [
        { type: "STATIC", role: "eng" },
        { type: "DYNAMIC", role: "eng/ml", principal: "alice", labels: [{ key: "k", value: "v" }] },
      ],
      allocationRole: "eng/ml",
      revocable: true,
    });
    expect(r.toString()).toBe("cpus(allocated: eng/ml)(reservations: [(STATIC,eng),(DYNAMIC,eng/ml,alice,{k: v})]){REV}:1");
    const d = Resources.of({ name: "disk", scalar: 5, providerId: "lic", disk: { persistence: { id: "v1" } } });
    expect(d.toString()).toBe('disk(provider: lic)[{"persistence":{"id":"v1"}}]:5');
  });
});
