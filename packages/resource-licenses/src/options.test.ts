import { readFileSync } from "node:fs";
import { createMasterHooks, isModuleDefinition, ModuleLoader, moduleOptionsJsonSchema } from "@tessera/core";
import { describe, expect, it } from "vitest";
import licensesModule, { optionsJsonSchema } from "./index.js";
import { LicenseModuleOptions } from "./options.js";
import { silentLog } from "./__fixtures__/silent-log.js";

const MODULE = new URL("./index.ts", import.meta.url).pathname;

/** The loader's refusal for these options (what an operator sees). */
async function refusal(options: unknown, enabled_for: string[] = ["resourceProviders", "allocation"]): Promise<string> {
  const loader = new ModuleLoader({ log: silentLog() as never });
  try {
    await loader.load({ modules: [{ name: MODULE, enabled_for, options }] } as never, { role: "master", hooks: createMasterHooks(), resolveFrom: "/" });
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("the load was not refused");
}

describe("options", () => {
  it("accept shorthands and apply defaults", () => {
    const o = LicenseModuleOptions.parse({ licenses: { matlab: 10, ansys: { server: { url: "http://lic:8080/ansys" } } }, bandwidth: { wan: 1000 } });
    expect(o.licenses.matlab).toBe(10);
    expect(o.licenses.ansys).toMatchObject({ server: { intervalMs: 30_000, timeoutMs: 5_000, backoffMaxMs: 300_000 } });
    expect(o.ipPools).toEqual({});
  });

  it("refuse negative counts, unknown keys and overlapping CIDRs by name", async () => {
    const message = await refusal({
      licenses: { matlab: -1, ansys: { count: 2, colour: "red" } },
      bandwidth: { wan: -5 },
      ipPools: { a: { cidrs: ["10.0.0.0/24"] }, b: { cidrs: ["10.0.0.128/25", "10.0.1.5/24"], exclude: ["10.9.0.1"] } },
      extra: true,
    });
    expect(message).toContain('module "@tessera/resource-licenses"');
    expect(message).toContain("option licenses.matlab: Too small: expected number to be >=0");
    expect(message).toContain("option licenses.ansys.colour: unknown key");
    expect(message).toContain("option bandwidth.wan: Too small");
    expect(message).toContain("option extra: unknown key");
    expect(message).toContain("option ipPools.b.cidrs[0]: 10.0.0.128/25 overlaps ipPools.a.cidrs[0] (10.0.0.0/24)");
    expect(message).toContain('option ipPools.b.cidrs[1]: "10.0.1.5/24" has host bits set; did you mean 10.0.1.0/24?');
    expect(message).toContain("option ipPools.b.exclude[0]: 10.9.0.1 is in none of the pool's cidrs");
  });

  it("refuse a license with neither or both of count and server, clashing resource names and oversized pools", () => {
    const r = LicenseModuleOptions.safeParse({
      licenses: { a: {}, b: { count: 1, server: { url: "http://x" } }, cpus: 1 },
      bandwidth: { wan: { mbps: 10, resource: "a" } },
      ipPools: { big: { cidrs: ["10.0.0.0/8"] } },
    });
    const lines = r.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    expect(lines).toEqual(
      expect.arrayContaining([
        "licenses.a: give either count or server",
        "licenses.b: give either count or server",
        'licenses.cpus: resource name "cpus" is an agent resource; pick another name',
        'bandwidth.wan: resource name "a" is already used by licenses.a',
        "ipPools.big.cidrs: 16777216 addresses; a pool holds at most 65536",
      ]),
    );
  });

  it("are refused when the module is not enabled for the hook groups it needs", async () => {
    expect(await refusal({ licenses: { matlab: 1 } }, ["resourceProviders"])).toContain("enabled_for must include allocation");
  });

  it("ship their JSON Schema, and options.schema.json is that schema", () => {
    expect(isModuleDefinition(licensesModule)).toBe(true);
    expect(optionsJsonSchema).toEqual(moduleOptionsJsonSchema(licensesModule));
    const shipped = JSON.parse(readFileSync(new URL("../options.schema.json", import.meta.url), "utf8"));
    // Regenerate with `npm run schema -w @tessera/resource-licenses` when this fails.
    expect(shipped).toEqual(JSON.parse(JSON.stringify(optionsJsonSchema)));
    expect(Object.keys((optionsJsonSchema as { properties: object }).properties)).toEqual(["licenses", "ipPools", "bandwidth"]);
  });
});
