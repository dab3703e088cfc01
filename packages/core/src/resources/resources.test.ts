import { describe, expect, it } from "vitest";
import { ResourceError } from "./errors.js";
import { Resources } from "./resources.js";
import { ancestorRoles, isStrictSubrole } from "./roles.js";

const R = (text: string, role?: string) => Resources.parse(text, role);

describe("Resources arithmetic", () => {
  it("adds scalars of the same kind into one entry and keeps other kinds apart", () => {
    const sum = R("cpus:1;mem:100").plus(R("cpus:2;cpus(web):1;disk:5"));
    expect(sum.toString()).toBe("cpus:3; cpus(web):1; disk:5; mem:100");
    expect(sum.size).toBe(4);
  });

  it("uses fixed-point scalars: 0.1 + 0.2 is exactly 0.3, 1/3 rounds to 0.333", () => {
    expect(R("cpus:0.1").plus(R("cpus:0.2")).scalar("cpus")).toBe(0.3);
    expect(R("cpus:0.1").plus(R("cpus:0.2")).equals(R("cpus:0.3"))).toBe(true);
    expect(Resources.of({ name: "cpus", scalar: 1 / 3 }).scalar("cpus")).toBe(0.333);
    expect(Resources.of({ name: "cpus", scalar: 2 / 3 }).scalar("cpus")).toBe(0.667);
    expect(R("cpus:0.0004").isEmpty()).toBe(true);
    let r = Resources.empty();
    for (let i = 0; i < 10; i++) r = r.plus(R("cpus:0.1"));
    expect(r.minus(R("cpus:1")).isEmpty()).toBe(true);
  });

  it("subtracts and drops entries that reach zero", () => {
    const left = R("cpus:4;mem:8192;ports:[31000-32000]").minus(R("cpus:4;mem:1024.5;ports:[31005-31010]"));
    expect(left.scalar("cpus")).toBe(0);
    expect(left.names()).toEqual(["mem", "ports"]);
    expect(left.scalar("mem")).toBe(7167.5);
    expect(left.ranges("ports")).toEqual([
      [31000, 31004],
      [31011, 32000],
    ]);
  });

  it("refuses to subtract what is not contained, naming it", () => {
    expect(() => R("cpus:1").minus(R("cpus:2"))).toThrow(new ResourceError("cannot subtract cpus:2: only cpus:1 available"));
    expect(() => R("cpus:1").minus(R("cpus(web):1"))).toThrow("cannot subtract cpus(web):1: no resources of that kind");
    expect(() => R("ports:[1-10]").minus(R("ports:[5-11]"))).toThrow("cannot subtract ports:[5-11]: only ports:[1-10] available");
    expect(() => R("zones:{a}").minus(R("zones:{b}"))).toThrow("cannot subtract zones:{b}");
  });

  it("contains checks every kind and value", () => {
    const agent = R("cpus:4;mem:8192;ports:[31000-32000];zones:{a,b}");
    expect(agent.contains(R("cpus:4;ports:[31000-31010];zones:{b}"))).toBe(true);
    expect(agent.contains(R("cpus:4.001"))).toBe(false);
    expect(agent.contains(R("ports:[30999-31000]"))).toBe(false);
    expect(agent.contains(R("zones:{c}"))).toBe(false);
    expect(agent.contains(R("cpus(web):1"))).toBe(false);
    expect(agent.contains(R("gpus:1"))).toBe(false);
    expect(agent.contains(Resources.empty())).toBe(true);
  });

  it("unions sets and subtracts items", () => {
    const s = R("zones:{a,b}").plus(R("zones:{b,c}"));
    expect(s.set("zones")).toEqual(["a", "b", "c"]);
    expect(s.minus(R("zones:{a,c}")).set("zones")).toEqual(["b"]);
    expect(s.minus(R("zones:{a,b,c}")).isEmpty()).toBe(true);
  });

  it("equality ignores the order resources were given in", () => {
    expect(R("mem:1;cpus:2;ports:[3-4,1-2]").equals(R("ports:[1-4];cpus:2;mem:1"))).toBe(true);
    expect(R("cpus:2").equals(R("cpus(a):2"))).toBe(false);
    expect(R("ports:[1-4]").equals(R("ports:[1-3]"))).toBe(false);
    expect(R("zones:{a}").equals(R("zones:{b}"))).toBe(false);
  });

  it("is immutable: operations return new values and leave the operands alone", () => {
    const a = R("cpus:1;ports:[1-10]");
    const b = R("cpus:1;ports:[5-5]");
    a.plus(b);
    a.minus(b);
    expect(a.toString()).toBe("cpus:1; ports:[1-10]");
    expect(b.toString()).toBe("cpus:1; ports:[5-5]");
  });

  it("validates entries given to Resources.of, naming the entry", () => {
    expect(() => Resources.of({ name: "cpus", scalar: 1 }, { name: "ports", ranges: [[5, 1]] })).toThrow("entries[1].ranges[0]: range [5-1] is empty");
    expect(() => Resources.of({ name: "cpus", scalar: Number.NaN })).toThrow("entries[0].scalar: must be a non-negative number, got NaN");
    expect(() => Resources.of({ name: "" , scalar: 1 })).toThrow("entries[0].name: name must be a non-empty string");
  });
});

describe("Resources reservations and filters", () => {
  const agent = Resources.of(
    { name: "cpus", scalar: 8 },
    { name: "cpus", scalar: 2, reservations: [{ type: "STATIC", role: "eng" }] },
    { name: "cpus", scalar: 1, reservations: [{ type: "STATIC", role: "eng" }, { type: "DYNAMIC", role: "eng/ml", principal: "p" }] },
    { name: "cpus", scalar: 0.5, reservations: [{ type: "DYNAMIC", role: "ops" }] },
    { name: "mem", scalar: 1024, revocable: true },
    { name: "seats", scalar: 5, providerId: "licenses" },
  );

  it("reservedTo selects the top of the stack exactly", () => {
    expect(agent.reservedTo("eng").scalar("cpus")).toBe(2);
    expect(agent.reservedTo("eng/ml").scalar("cpus")).toBe(1);
    expect(agent.reservedTo("ops").scalar("cpus")).toBe(0.5);
    expect(agent.reservedTo("eng/ml/x").isEmpty()).toBe(true);
    expect(agent.reserved().scalar("cpus")).toBe(3.5);
    expect(agent.unreserved().scalar("cpus")).toBe(8);
  });

  it("allocatableTo gives unreserved plus what is reserved to the role or its ancestors", () => {
    expect(agent.allocatableTo("eng").scalar("cpus")).toBe(10);
    expect(agent.allocatableTo("eng/ml").scalar("cpus")).toBe(11);
    expect(agent.allocatableTo("eng/ml/deep").scalar("cpus")).toBe(11);
    expect(agent.allocatableTo("engineering").scalar("cpus")).toBe(8);
    expect(agent.allocatableTo("ops").scalar("cpus")).toBe(8.5);
    expect(agent.allocatableTo("web").scalar("cpus")).toBe(8);
  });

  it("filters revocable and provider resources", () => {
    expect(agent.revocable().toString()).toBe("mem{REV}:1024");
    expect(agent.nonRevocable().scalar("mem")).toBe(0);
    expect(agent.fromProvider("licenses").scalar("seats")).toBe(5);
    expect(agent.fromProvider().scalar("seats")).toBe(0);
    expect(agent.fromProvider().scalar("cpus")).toBe(11.5);
    expect(agent.fromProvider("other").isEmpty()).toBe(true);
  });

  it("returns the same value when a filter keeps everything", () => {
    const plain = R("cpus:1;mem:2");
    expect(plain.allocatableTo("any")).toBe(plain);
    expect(plain.unreserved()).toBe(plain);
  });

  it("toUnreserved flattens reservations and merges what becomes the same kind", () => {
    const flat = agent.toUnreserved();
    expect(flat.reserved().isEmpty()).toBe(true);
    expect(flat.nonRevocable().fromProvider().entries().filter((e) => e.name === "cpus")).toHaveLength(1);
    expect(flat.scalar("cpus")).toBe(11.5);
  });

  it("pushReservation and popReservation reserve and unreserve (refining stacks)", () => {
    const mine = R("cpus:2;mem:10").pushReservation({ type: "DYNAMIC", role: "eng", principal: "p" });
    expect(mine.reservedTo("eng").scalar("cpus")).toBe(2);
    const refined = mine.pushReservation({ type: "DYNAMIC", role: "eng/ml" });
    expect(refined.entries()[0]!.reservations.map((r) => r.role)).toEqual(["eng", "eng/ml"]);
    expect(() => mine.pushReservation({ type: "DYNAMIC", role: "ops" })).toThrow('entries[0].reservations[1].role: role "ops" must refine "eng"');
    expect(refined.popReservation().equals(mine)).toBe(true);
    expect(mine.popReservation().equals(R("cpus:2;mem:10"))).toBe(true);
    expect(() => R("cpus:1").popReservation()).toThrow("cannot unreserve cpus:1: it is not reserved");
  });

  it("allocatedTo marks every entry and unallocated strips it again", () => {
    const offered = agent.allocatedTo("eng");
    expect(offered.entries().every((e) => e.allocationRole === "eng")).toBe(true);
    expect(offered.contains(agent)).toBe(false);
    expect(offered.unallocated().equals(agent)).toBe(true);
    const mixed = R("cpus:1").allocatedTo("a").plus(R("cpus:2").allocatedTo("b"));
    expect(mixed.size).toBe(2);
    expect(mixed.allocatedTo("a").size).toBe(1);
    expect(mixed.allocatedTo("a").scalar("cpus")).toBe(3);
    expect(agent.allocatedTo("*").entries().every((e) => e.allocationRole === "*")).toBe(true);
    expect(() => agent.allocatedTo("a/../b")).toThrow(/allocatedTo: role "a\/\.\.\/b"/);
  });

  it("quantities sum scalars per name across metadata", () => {
    const q = agent.quantities();
    expect(q.get("cpus")).toBe(11.5);
    expect(q.get("mem")).toBe(1024);
    expect(q.get("seats")).toBe(5);
    expect(q.names()).toEqual(["cpus", "mem", "seats"]);
    expect(R("ports:[1-5]").quantities().isEmpty()).toBe(true);
  });

  it("gives the role helpers Mesos semantics", () => {
    expect(isStrictSubrole("a/b", "a")).toBe(true);
    expect(isStrictSubrole("ab", "a")).toBe(false);
    expect(isStrictSubrole("a", "a")).toBe(false);
    expect(ancestorRoles("a/b/c")).toEqual(["a/b", "a"]);
  });
});
