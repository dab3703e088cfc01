import { MemoryStorage, Resources, type ProviderOperation } from "@tessera/core";
import { describe, expect, it } from "vitest";
import { silentLog } from "./__fixtures__/silent-log.js";
import { parseCidr, type Cidr } from "./cidr.js";
import { HoldingsStore } from "./holdings-store.js";
import { IpPool } from "./ip-pool.js";
import { LicensePool } from "./license-pool.js";
import { StaticSource } from "./license-source.js";
import { PoolProvider } from "./pool-provider.js";

const seats = (n: number) => Resources.of({ name: "matlab", scalar: n, providerId: "licenses" }).allocatedTo("eng");
let seq = 0;
const op = (type: ProviderOperation["type"], taskId: string, resources: Resources, frameworkId = "F"): ProviderOperation => ({
  id: `op-${++seq}`,
  providerId: "licenses",
  type,
  frameworkId,
  taskId,
  resources,
});

function provider(store?: HoldingsStore, count = 3) {
  const log = silentLog();
  const p = new PoolProvider("licenses", "org.tessera.licenses", [new LicensePool({ name: "matlab", resource: "matlab" }, new StaticSource(count))], log as never);
  p.open(store, []);
  return { p, log };
}

describe("PoolProvider", () => {
  it("allocates on ALLOCATE, refuses beyond the pool, frees on RELEASE, and persists each holding before answering", async () => {
    const storage = new MemoryStorage();
    const store = new HoldingsStore(storage);
    const { p } = provider(store);
    await p.apply(op("ALLOCATE", "t1", seats(2)));
    await expect(p.apply(op("ALLOCATE", "t2", seats(2)))).rejects.toThrow('license pool "matlab": 2 seats asked for F/t2, 1 free of 3');
    expect((await store.load()).map((h) => [h.taskId, h.resources.scalar("matlab")])).toEqual([["t1", 2]]);
    await p.apply(op("RELEASE", "t1", seats(2)));
    expect(await store.load()).toEqual([]);
    await p.apply(op("ALLOCATE", "t2", seats(3)));
    expect(p.describe().pools[0]).toMatchObject({ total: 3, used: 3, holders: [{ holder: "F/t2", amount: 3 }] });
  });

  it("applies an operation id once, and refuses operations and resources it does not provide", async () => {
    const { p } = provider();
    const first = op("ALLOCATE", "t1", seats(1));
    await p.apply(first);
    await p.apply(first);
    expect(p.describe().pools[0]!.used).toBe(1);
    await expect(p.apply(op("RESERVE", "t2", seats(1)))).rejects.toThrow("RESERVE is not supported by org.tessera.licenses");
    await expect(p.apply(op("ALLOCATE", "t3", Resources.of({ name: "ansys", scalar: 1, providerId: "licenses" })))).rejects.toThrow(
      'no pool of licenses provides resource "ansys" (it has matlab)',
    );
  });

  it("does not grant what it could not record", async () => {
    const storage = new MemoryStorage();
    storage.put = async () => {
      throw new Error("disk full");
    };
    const { p } = provider(new HoldingsStore(storage));
    await expect(p.apply(op("ALLOCATE", "t1", seats(1)))).rejects.toThrow("could not record the holding: disk full");
    expect(p.describe().pools[0]!.used).toBe(0);
  });

  it("gets its holdings back from the store after a restart", async () => {
    const storage = new MemoryStorage();
    await provider(new HoldingsStore(storage)).p.apply(op("ALLOCATE", "t1", seats(2)));
    const store = new HoldingsStore(storage);
    const again = new PoolProvider("licenses", "org.tessera.licenses", [new LicensePool({ name: "matlab", resource: "matlab" }, new StaticSource(3))], silentLog() as never);
    again.open(store, await store.load());
    await expect(again.apply(op("ALLOCATE", "t2", seats(2)))).rejects.toThrow(/1 free of 3/);
  });

  it("reconciles: frees holdings of tasks that are gone, re-claims unrecorded ones (even beyond the pool) and logs both", async () => {
    const storage = new MemoryStorage();
    const store = new HoldingsStore(storage);
    const { p, log } = provider(store, 2);
    await p.apply(op("ALLOCATE", "gone", seats(1)));
    await p.apply(op("ALLOCATE", "kept", seats(1)));
    await p.reconcile([
      { frameworkId: "F", taskId: "kept", resources: seats(1) },
      { frameworkId: "G", taskId: "unrecorded", resources: seats(2) },
    ]);
    expect(p.lastReconcile).toMatchObject({ kept: 1, freed: [{ holder: "F/gone" }], reclaimed: [{ holder: "G/unrecorded" }] });
    expect((await store.load()).map((h) => `${h.frameworkId}/${h.taskId}`).sort()).toEqual(["F/kept", "G/unrecorded"]);
    expect(p.describe().pools[0]).toMatchObject({ used: 3, total: 2 });
    expect(log.infos).toContain("freed units of a task that no longer exists");
    expect(log.warnings).toContain("re-claimed units held by a task that were not recorded");
  });

  it("refuses a stored holding that does not read back, naming its key", async () => {
    const storage = new MemoryStorage();
    await storage.put("holdings/licenses/F/t1", JSON.stringify({ provider_id: "licenses", framework_id: "F", task_id: "t1", resources: [{ name: "matlab" }], since: 0 }));
    await expect(new HoldingsStore(storage).load()).rejects.toThrow(/holdings store: holdings\/licenses\/F\/t1: resources\[0\]/);
  });

  it("keeps IP holdings per task across pools", async () => {
    const pool = new IpPool({ name: "public", resource: "ips.public", cidrs: [parseCidr("10.0.0.0/30") as Cidr] });
    const p = new PoolProvider("ip-addresses", "org.tessera.ip_addresses", [pool], silentLog() as never);
    p.open(undefined);
    const addr = (...a: string[]) => Resources.of({ name: "ips.public", type: "SET", set: a, providerId: "ip-addresses" });
    await p.apply({ ...op("ALLOCATE", "t1", addr("10.0.0.1")), providerId: "ip-addresses" });
    await expect(p.apply({ ...op("ALLOCATE", "t2", addr("10.0.0.1", "10.0.0.2")), providerId: "ip-addresses" })).rejects.toThrow("10.0.0.1 is held by F/t1");
    expect(pool.free()).toEqual(["10.0.0.0", "10.0.0.2", "10.0.0.3"]);
  });
});
