import { describe, expect, it } from "vitest";
import { ResourceError } from "./errors.js";
import { resourcesJsonSchema } from "./json.js";
import { Resources } from "./resources.js";

const cpus = (value: unknown, extra: object = {}) => ({ name: "cpus", type: "SCALAR", scalar: { value }, ...extra });

describe("Resources.fromJSON (Mesos v1 JSON)", () => {
  it("reads every kind and metadata field", () => {
    const r = Resources.fromJSON([
      cpus(2.5),
      { name: "ports", type: "RANGES", ranges: { range: [{ begin: 33000, end: 33100 }, { begin: 31000, end: 32000 }] } },
      { name: "zones", type: "SET", set: { item: ["b", "a"] } },
      cpus(1, { reservations: [{ type: "DYNAMIC", role: "web", principal: "ops", labels: { labels: [{ key: "team", value: "x" }] } }] }),
      cpus(0.5, { revocable: {} }),
      { name: "seats", type: "SCALAR", scalar: { value: 3 }, provider_id: { value: "licenses" } },
      { name: "disk", type: "SCALAR", scalar: { value: 10 }, disk: { persistence: { id: "vol1" }, volume: { container_path: "data", mode: "RW" } } },
      cpus(1, { allocation_info: { role: "web" } }),
    ]);
    expect(r.scalar("cpus")).toBe(5);
    expect(r.ranges("ports")).toEqual([
      [31000, 32000],
      [33000, 33100],
    ]);
    expect(r.set("zones")).toEqual(["a", "b"]);
    const dyn = r.reservedTo("web").entries();
    expect(dyn).toHaveLength(1);
    expect(dyn[0]!.reservations).toEqual([{ type: "DYNAMIC", role: "web", principal: "ops", labels: [{ key: "team", value: "x" }] }]);
    expect(r.revocable().scalar("cpus")).toBe(0.5);
    expect(r.fromProvider("licenses").scalar("seats")).toBe(3);
    expect(r.fromProvider().scalar("seats")).toBe(0);
    expect(r.filter((e) => e.disk !== undefined).scalar("disk")).toBe(10);
    expect(r.filter((e) => e.allocationRole === "web").scalar("cpus")).toBe(1);
  });

  it("maps the legacy role field to a static reservation, and role + reservation to a dynamic one", () => {
    const r = Resources.fromJSON([cpus(1, { role: "a" }), cpus(2, { role: "b", reservation: { principal: "p" } }), cpus(4, { role: "*" })]);
    expect(r.reservedTo("a").entries()[0]!.reservations).toEqual([{ type: "STATIC", role: "a" }]);
    expect(r.reservedTo("b").entries()[0]!.reservations).toEqual([{ type: "DYNAMIC", role: "b", principal: "p" }]);
    expect(r.unreserved().scalar("cpus")).toBe(4);
  });

  it("treats null as unset and ignores unknown fields", () => {
    const r = Resources.fromJSON([cpus(1, { role: null, reservations: null, revocable: null, provider_id: null, disk: null, allocation_info: null, shared: { x: 1 }, whatever: 7 })]);
    expect(r.equals(Resources.parse("cpus:1"))).toBe(true);
    const withNullInDisk = Resources.fromJSON([{ name: "disk", type: "SCALAR", scalar: { value: 1 }, disk: { persistence: { id: "v", principal: null } } }]);
    expect(withNullInDisk.entries()[0]!.disk).toEqual({ persistence: { id: "v" } });
  });

  it("keeps resources with different metadata apart and merges equal disk infos regardless of key order", () => {
    const r = Resources.fromJSON([
      { name: "disk", type: "SCALAR", scalar: { value: 1 }, disk: { a: 1, b: 2 } },
      { name: "disk", type: "SCALAR", scalar: { value: 2 }, disk: { b: 2, a: 1 } },
      { name: "disk", type: "SCALAR", scalar: { value: 4 }, disk: { a: 1 } },
      { name: "disk", type: "SCALAR", scalar: { value: 8 } },
    ]);
    expect(r.size).toBe(3);
    expect(r.scalar("disk")).toBe(15);
  });

  it("round-trips through toJSON with ranges merged and sorted", () => {
    const input = [
      { name: "ports", type: "RANGES", ranges: { range: [{ begin: 5, end: 9 }, { begin: 1, end: 4 }, { begin: 20, end: 20 }] } },
      cpus(1, { reservations: [{ type: "STATIC", role: "eng" }, { type: "DYNAMIC", role: "eng/ml", principal: "bob" }], revocable: {}, allocation_info: { role: "eng/ml" } }),
      { name: "seats", type: "SCALAR", scalar: { value: 3 }, provider_id: { value: "lic" } },
    ];
    const json = Resources.fromJSON(input).toJSON();
    expect(json).toEqual([
      {
        name: "cpus",
        type: "SCALAR",
        scalar: { value: 1 },
        reservations: [
          { type: "STATIC", role: "eng" },
          { type: "DYNAMIC", role: "eng/ml", principal: "bob" },
        ],
        revocable: {},
        allocation_info: { role: "eng/ml" },
      },
      { name: "ports", type: "RANGES", ranges: { range: [{ begin: 1, end: 9 }, { begin: 20, end: 20 }] } },
      { name: "seats", type: "SCALAR", scalar: { value: 3 }, provider_id: { value: "lic" } },
    ]);
    expect(Resources.fromJSON(JSON.parse(JSON.stringify(Resources.fromJSON(input)))).toJSON()).toEqual(json);
  });

  it("writes the pre-refinement format for old frameworks and refuses refined stacks there", () => {
    const r = Resources.fromJSON([cpus(1), cpus(2, { role: "a" }), cpus(3, { role: "b", reservation: { principal: "p" } })]);
    // Kinds sort by key: dynamic ("D") before static ("S") reservations.
    expect(r.toLegacyJSON()).toEqual([
      { name: "cpus", type: "SCALAR", scalar: { value: 1 }, role: "*" },
      { name: "cpus", type: "SCALAR", scalar: { value: 3 }, role: "b", reservation: { principal: "p" } },
      { name: "cpus", type: "SCALAR", scalar: { value: 2 }, role: "a" },
    ]);
    const refined = Resources.fromJSON([cpus(1, { reservations: [{ type: "STATIC", role: "a" }, { type: "DYNAMIC", role: "a/b" }] })]);
    expect(() => refined.toLegacyJSON()).toThrow('resource "cpus" has a refined reservation stack (a > a/b)');
  });

  it.each<[string, unknown, string]>([
    ["an empty range", [cpus(1), cpus(2), { name: "ports", type: "RANGES", ranges: { range: [{ begin: 31000, end: 30000 }] } }], "resources[2].ranges.range[0]: range [31000-30000] is empty"],
    ["a negative scalar", [cpus(-1)], "resources[0].scalar.value: must be a non-negative number, got -1"],
    ["a non-numeric scalar", [cpus("1")], 'resources[0].scalar.value: must be a non-negative number, got "1"'],
    ["an unknown type", [cpus(1), { name: "x", type: "FOO" }], 'resources[1].type: expected SCALAR, RANGES or SET, got "FOO"'],
    ["a missing value field", [cpus(1), cpus(1), cpus(1), { name: "cpus", type: "SCALAR" }], "resources[3]: type SCALAR needs field scalar"],
    ["a value field of another type", [{ name: "ports", type: "RANGES", ranges: { range: [] }, scalar: { value: 1 } }], "resources[0]: type RANGES must not have field scalar"],
    ["a missing name", [{ type: "SCALAR", scalar: { value: 1 } }], "resources[0].name: required field is missing"],
    ["a name of the wrong JSON type", [{ name: 5, type: "SCALAR", scalar: { value: 1 } }], "resources[0].name: expected a string, got number 5"],
    ["a fractional port", [{ name: "ports", type: "RANGES", ranges: { range: [{ begin: 1.5, end: 2 }] } }], "resources[0].ranges.range[0].begin: must be an integer, got 1.5"],
    ["a negative port", [{ name: "ports", type: "RANGES", ranges: { range: [{ begin: -1, end: 2 }] } }], "resources[0].ranges.range[0]: range bounds must be non-negative integers, got -1"],
    ["a duplicate set item", [{ name: "z", type: "SET", set: { item: ["a", "b", "a"] } }], 'resources[0].set.item[2]: duplicate item "a"'],
    ["an unknown reservation type", [cpus(1, { reservations: [{ type: "SOMETIMES", role: "a" }] })], 'resources[0].reservations[0].type: expected STATIC or DYNAMIC, got "SOMETIMES"'],
    ["a stack that does not refine", [cpus(1, { reservations: [{ type: "DYNAMIC", role: "a" }, { type: "DYNAMIC", role: "b" }] })], 'resources[0].reservations[1].role: role "b" must refine "a" (be a sub-role of it)'],
    ["a static reservation above another", [cpus(1, { reservations: [{ type: "STATIC", role: "a" }, { type: "STATIC", role: "a/b" }] })], "resources[0].reservations[1].type: only the first reservation of a stack may be STATIC"],
    ["a reservation to *", [cpus(1, { reservations: [{ type: "DYNAMIC", role: "*" }] })], 'resources[0].reservations[0].role: cannot reserve to role "*"'],
    ["a legacy role that disagrees with the stack", [cpus(1, { role: "x", reservations: [{ type: "DYNAMIC", role: "a" }] })], 'resources[0].role: "x" does not match the top of reservations ("a")'],
    ["an invalid legacy role", [cpus(1, { role: "a/../b" })], 'resources[0].role: role "a/../b" must not have a ".." component'],
    ["a reservation of role *", [cpus(1, { reservation: { principal: "p" } })], 'resources[0].reservation: an unreserved resource (role "*") cannot have a reservation'],
    ["an allocation to an invalid role", [cpus(1, { allocation_info: { role: "a/../b" } })], 'resources[0].allocation_info.role: role "a/../b" must not have a ".." component'],
    ["a revocable that is not an object", [cpus(1, { revocable: true })], "resources[0].revocable: expected an object, got boolean true"],
    ["one name with two types", [cpus(1), { name: "cpus", type: "SET", set: { item: ["a"] } }], 'resources[1].type: "cpus" is SCALAR in resources[0], got SET'],
    ["something that is not an array", { name: "cpus" }, "resources: expected an array of resources, got an object"],
    ["an entry that is not an object", [cpus(1), "cpus:1"], 'resources[1]: expected an object, got string "cpus:1"'],
  ])("rejects %s, naming the path", (_what, value, message) => {
    expect(() => Resources.fromJSON(value)).toThrow(message);
  });

  it("prefixes errors with the caller's path and lists every structural problem", () => {
    const bad = [{ name: "cpus", type: "SCALAR", scalar: { value: -1 } }];
    expect(() => Resources.fromJSON(bad, "operations[0].launch.task_infos[1].resources")).toThrow(
      "operations[0].launch.task_infos[1].resources[0].scalar.value: must be a non-negative number, got -1",
    );
    try {
      Resources.fromJSON([{ type: "FOO" }, { name: 1, type: "SCALAR", scalar: { value: 1 } }]);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ResourceError);
      expect((e as ResourceError).issues.map((i) => i.path)).toEqual(["resources[0].name", "resources[0].type", "resources[1].name"]);
      expect((e as ResourceError).message).toMatch(/\(and 2 more problems\)$/);
    }
  });

  it("exports a JSON Schema of the wire shape", () => {
    const schema = resourcesJsonSchema() as { type: string; items: { required: string[]; properties: Record<string, unknown> } };
    expect(schema.type).toBe("array");
    expect(schema.items.required).toEqual(["name", "type"]);
    expect(Object.keys(schema.items.properties)).toContain("provider_id");
  });
});
