import { describe, expect, it } from "vitest";
import { Resources } from "../resources/index.js";
import { HierarchicalAllocator } from "./hierarchical-allocator.js";

const R = (text: string) => Resources.parse(text);

describe("reservations", () => {
  it("offers statically reserved resources only to the role (and its descendants)", () => {
    const a = new HierarchicalAllocator();
    a.addAgent("x", { total: R("cpus:2;mem:1024;cpus(web):6;mem(web):2048") });
    a.addFramework("batch", { roles: ["batch"] });
    a.addFramework("api", { roles: ["web/api"] });
    const offers = a.allocate(0);
    const batch = offers.find((o) => o.frameworkId === "batch")!;
    expect(batch.resources.reserved().isEmpty()).toBe(true);
    expect(batch.resources.scalar("cpus")).toBe(2);
    const api = offers.find((o) => o.frameworkId === "api")!;
    // web/api may use web's reservation.
    expect(api.resources.reservedTo("web").scalar("cpus")).toBe(6);
  });

  it("never offers a child role's reservation to its parent", () => {
    const a = new HierarchicalAllocator();
    a.addAgent("x", { total: R("cpus(web/api):4;mem(web/api):1024") });
    a.addFramework("web", { roles: ["web"] });
    expect(a.allocate(0)).toEqual([]);
  });

  it("keeps a dynamic reservation made with RESERVE for the role after it is declined", () => {
    const a = new HierarchicalAllocator();
    a.addAgent("x", { total: R("cpus:4;mem:4096") });
    a.addFramework("db", { roles: ["db"] });
    a.addFramework("other", { roles: ["other"] });
    a.suppress("other");
    const [offer] = a.allocate(0);
    expect(offer.frameworkId).toBe("db");
    const reserved = R("cpus:2;mem:1024")
      .pushReservation({ type: "DYNAMIC", role: "db", principal: "ops" })
      .allocatedTo("db");
    const used = R("cpus:2;mem:1024").allocatedTo("db");
    a.updateAllocation("db", "x", used, [{ type: "RESERVE", resources: reserved }]);
    expect(a.allocation("db").get("x")!.reservedTo("db").scalar("cpus")).toBe(2);
    a.recoverResources("db", "x", offer.resources.minus(used).plus(reserved), { refuseSeconds: 0 }, 0);
    expect(a.total("x")!.reservedTo("db").scalar("cpus")).toBe(2);

    // db steps back, other asks: it sees only the unreserved half.
    a.suppress("db");
    a.revive("other");
    const [toOther] = a.allocate(1);
    expect(toOther.frameworkId).toBe("other");
    expect(toOther.resources.reserved().isEmpty()).toBe(true);
    expect(toOther.resources.scalar("cpus")).toBe(2);

    a.revive("db");
    const [toDb] = a.allocate(2);
    expect(toDb.frameworkId).toBe("db");
    expect(toDb.resources.reservedTo("db").scalar("cpus")).toBe(2);
  });

  it("turns a reservation back into unreserved resources with UNRESERVE", () => {
    const a = new HierarchicalAllocator();
    a.addAgent("x", { total: R("cpus(db):4;mem(db):1024") });
    a.addFramework("db", { roles: ["db"] });
    a.addFramework("other", { roles: ["other"] });
    const [offer] = a.allocate(0);
    const dynamic = Resources.of(...offer.resources.entries().map((e) => ({ ...e, reservations: [{ type: "DYNAMIC" as const, role: "db" }] })));
    // Static reservations cannot be unreserved; convert the offer to a dynamic one first.
    a.updateAllocation("db", "x", offer.resources, [{ type: "CONVERT", consumed: offer.resources, converted: dynamic }]);
    a.updateAllocation("db", "x", dynamic, [{ type: "UNRESERVE", resources: dynamic }]);
    expect(a.total("x")!.reserved().isEmpty()).toBe(true);
    a.recoverResources("db", "x", dynamic.popReservation(), { refuseSeconds: 60 }, 0);
    const [next] = a.allocate(1);
    expect(next.frameworkId).toBe("other");
    expect(next.resources.scalar("cpus")).toBe(4);
  });

  it("rejects operations on resources that were not offered", () => {
    const a = new HierarchicalAllocator();
    a.addAgent("x", { total: R("cpus:4;mem:4096") });
    a.addFramework("db", { roles: ["db"] });
    a.allocate(0);
    const tooMuch = R("cpus:8").pushReservation({ type: "DYNAMIC", role: "db" }).allocatedTo("db");
    expect(() => a.updateAllocation("db", "x", R("cpus:2").allocatedTo("db"), [{ type: "LAUNCH" }, { type: "RESERVE", resources: tooMuch }])).toThrow(
      /updateAllocation\(framework "db", agent "x"\): operations\[1\]: RESERVE needs cpus\(allocated: db\):8/,
    );
  });
});
