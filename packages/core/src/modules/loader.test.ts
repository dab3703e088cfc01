import "reflect-metadata";
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { pino } from "pino";
import { container as rootContainer, type DependencyContainer } from "tsyringe";
import { describe, expect, it } from "vitest";
import type { OfferCandidate } from "../hooks/allocation-hooks.js";
import { createAgentHooks, createMasterHooks, type NodeRole } from "../hooks/node-hooks.js";
import { MODULE_API_VERSION } from "./api-version.js";
import { parseModulesConfig, readModulesConfig } from "./config.js";
import { ModuleLoadError } from "./errors.js";
import { ModuleLoader } from "./loader.js";

// The fixture is plain JS (kept out of the build); a variable specifier keeps tsc from typing it.
const fixturePath = "./__fixtures__/good-allocation.js";
const { SERVICE, seen } = (await import(fixturePath)) as { SERVICE: string; seen: { container?: DependencyContainer } };

const FIXTURES = fileURLToPath(new URL("./__fixtures__/", import.meta.url));
const candidate = { frameworkId: "fw", agentId: "a1", role: "*", resources: {}, agent: { id: "a1", hostname: "h", attributes: {} } } as unknown as OfferCandidate;

function node(role: NodeRole = "master") {
  const logs: Array<{ level: number; msg: string; module?: string; version?: string }> = [];
  const log = pino({ level: "info" }, { write: (line: string) => void logs.push(JSON.parse(line)) });
  const master = createMasterHooks();
  const agent = createAgentHooks();
  const loader = new ModuleLoader({ log });
  const load = (modules: unknown[], extra: { resolveFrom?: string; container?: DependencyContainer; configRoles?: NodeRole[] } = {}) =>
    loader.load(parseModulesConfig({ modules }), {
      role,
      hooks: role === "master" ? master : agent,
      container: extra.container ?? rootContainer,
      resolveFrom: extra.resolveFrom ?? FIXTURES,
      ...(extra.configRoles && { configRoles: extra.configRoles }),
    });
  return { master, agent, loader, load, logs };
}

async function refusal(promise: Promise<unknown>): Promise<ModuleLoadError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ModuleLoadError);
  return err as ModuleLoadError;
}

/** A temp dir whose node_modules holds the fixture packages, as an operator's install would. */
function installFixturePackages(): string {
  const root = mkdtempSync(join(tmpdir(), "tessera-modules-"));
  const scope = join(root, "node_modules", "@fixture");
  mkdirSync(scope, { recursive: true });
  for (const pkg of ["good-module", "unbuilt-module"]) symlinkSync(join(FIXTURES, "packages", pkg), join(scope, pkg), "dir");
  return root;
}

describe("ModuleLoader", () => {
  it("loads a module by path, hands it parsed options and only its enabled groups, and logs name and version", async () => {
    const { master, load, loader, logs } = node();
    const result = await load([{ name: "./good-allocation.js", enabled_for: ["allocation"] }]);

    expect(master.allocation.filterOffer.call(candidate)).toBe("vetoed by fixture");
    expect(master.allocation.accepted.taps.map((t) => t.name)).toEqual(["@fixture/good-allocation"]);
    expect(seen.container?.resolve(SERVICE)).toEqual({ reason: "vetoed by fixture" });
    expect(rootContainer.isRegistered(SERVICE)).toBe(false);
    expect(result.warnings).toEqual([]);
    expect(logs.find((l) => l.msg === "loaded module @fixture/good-allocation@1.2.0")).toMatchObject({ module: "@fixture/good-allocation", version: "1.2.0" });

    const [info] = loader.list();
    expect(info).toMatchObject({ name: "@fixture/good-allocation", version: "1.2.0", apiVersion: "^1.0.0", roles: ["master"], enabled_for: ["allocation"] });
    expect(info?.optionsSchema).toMatchObject({ type: "object", properties: { reason: { type: "string", default: "vetoed by fixture" } } });
  });

  it("loads a module by npm package name from resolveFrom, using the import condition and the package's version", async () => {
    const { master, load } = node();
    const result = await load([{ name: "@fixture/good-module", enabled_for: ["masterLifecycle"] }], { resolveFrom: installFixturePackages() });
    expect(result.modules[0]).toMatchObject({ name: "@fixture/good-module", version: "2.3.4" });
    expect(result.modules[0]?.source).toBe(join(FIXTURES, "packages", "good-module", "index.js"));
    expect(master.masterLifecycle.agentRegistered.taps.map((t) => t.name)).toEqual(["@fixture/good-module"]);
  });

  it("refuses a package that is not installed, naming it and where it looked", async () => {
    const dir = installFixturePackages();
    const err = await refusal(node().load([{ name: "@acme/not-installed" }], { resolveFrom: dir }));
    expect(err.problem).toBe("not_found");
    expect(err.message).toContain(`module "@acme/not-installed" (modules[0]) not found: no package "@acme/not-installed" in node_modules from ${dir}`);
  });

  it("refuses an installed package whose entry file is missing, suggesting it is not built", async () => {
    const err = await refusal(node().load([{ name: "@fixture/unbuilt-module" }], { resolveFrom: installFixturePackages() }));
    expect(err.problem).toBe("not_found");
    expect(err.message).toMatch(/module "@fixture\/unbuilt-module" .*dist\/index\.js does not exist \(is the package built\?\)/);
  });

  it("refuses a module whose import throws, with the reason and no stack trace", async () => {
    const err = await refusal(node().load([{ name: "./import-throws.js" }]));
    expect(err.problem).toBe("import_failed");
    expect(err.message).toMatch(/^module "\.\/import-throws\.js" could not be imported from .*import-throws\.js: native binding gpu\.node/);
    expect(err.message).not.toContain("\n    at ");
  });

  it("refuses a module without a default export", async () => {
    const err = await refusal(node().load([{ name: "./no-default.js" }]));
    expect(err.problem).toBe("not_a_module");
    expect(err.message).toBe(
      'module "./no-default.js" is not a Tessera module: it has no default export; expected `export default defineModule({...})` from @tessera/core',
    );
  });

  it("refuses a default export that only looks like a definition", async () => {
    const err = await refusal(node().load([{ name: "./look-alike.js" }]));
    expect(err.problem).toBe("not_a_module");
    expect(err.message).toContain('module "./look-alike.js" is not a Tessera module: its default export is object not made by defineModule');
  });

  it("refuses a module that needs another module API, naming both versions", async () => {
    const err = await refusal(node("agent").load([{ name: "./needs-api-2.js" }]));
    expect(err).toMatchObject({ module: "@acme/isolator-gpu", problem: "incompatible_api" });
    expect(err.message).toBe(`module "@acme/isolator-gpu" needs module API ^2.0.0, this core provides ${MODULE_API_VERSION}`);
  });

  it("refuses invalid options naming every offending key", async () => {
    const err = await refusal(
      node("agent").load([{ name: "./with-options.js", enabled_for: ["isolation"], options: { ephemeralPortsPerContainer: "16", mode: "nat", extra: 1 } }]),
    );
    expect(err).toMatchObject({ module: "@fixture/with-options", problem: "invalid_options" });
    expect(err.details).toEqual([
      'option ephemeralPortsPerContainer: expected number, got string "16"',
      'option mode: expected one of "bridge", "host", got string "nat"',
      "option extra: unknown key",
    ]);
    expect(err.message).toBe(`module "@fixture/with-options": ${err.details.join("; ")}`);
  });

  it("refuses two modules with the same name, naming both config entries", async () => {
    const err = await refusal(node().load([{ name: "./good-allocation.js" }, { name: "./same-name.js" }]));
    expect(err).toMatchObject({ module: "@fixture/good-allocation", problem: "duplicate_name" });
    expect(err.message).toBe(
      'module "@fixture/good-allocation" is loaded twice: by modules[0] ("./good-allocation.js") and by modules[1] ("./same-name.js"); module names must be unique',
    );
  });

  it("refuses a module already loaded by an earlier load", async () => {
    const { load } = node();
    await load([{ name: "./good-allocation.js", enabled_for: ["allocation"] }]);
    const err = await refusal(load([{ name: "./good-allocation.js", enabled_for: ["allocation"] }]));
    expect(err.problem).toBe("duplicate_name");
    expect(err.message).toContain('module "@fixture/good-allocation" is loaded twice: by another load');
  });

  it("lets only one of two concurrent loads take a module name", async () => {
    const { load, loader } = node();
    const entry = { name: "./good-allocation.js", enabled_for: ["allocation"] };
    const outcomes = await Promise.allSettled([load([entry]), load([entry])]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(["fulfilled", "rejected"]);
    const rejected = outcomes.find((o): o is PromiseRejectedResult => o.status === "rejected");
    expect((rejected?.reason as ModuleLoadError).problem).toBe("duplicate_name");
    expect(loader.list().map((m) => m.name)).toEqual(["@fixture/good-allocation"]);
  });

  it("refuses a module that throws in register, with its message", async () => {
    const { master, load } = node();
    const err = await refusal(load([{ name: "./throws-in-register.js", enabled_for: ["allocation"] }]));
    expect(err).toMatchObject({ module: "@fixture/throws", problem: "register_failed" });
    expect(err.message).toBe('module "@fixture/throws" failed to register: cannot reach license server at 10.0.0.9:7000');
    expect(master.allocation.sortFrameworks.taps).toEqual([]);
  });

  it("is all or nothing: when a later module throws, the earlier module's taps and container are gone", async () => {
    const { master, load, loader } = node();
    const err = await refusal(
      load([
        { name: "./good-allocation.js", enabled_for: ["allocation"] },
        { name: "./throws-in-register.js", enabled_for: ["allocation"] },
      ]),
    );
    expect(err.problem).toBe("register_failed");
    for (const hook of Object.values(master.allocation)) expect(hook.taps).toEqual([]);
    expect(master.allocation.filterOffer.call(candidate)).toBeUndefined();
    expect(() => seen.container?.resolve(SERVICE)).toThrow(/disposed/);
    expect(loader.list()).toEqual([]);
  });

  describe("one config for every node", () => {
    const infoLines = (logs: ReturnType<typeof node>["logs"]) => logs.filter((l) => l.level === 30).map((l) => l.msg);

    it("skips a master-only module on an agent with one info line, without validating its options or registering it", async () => {
      seen.container = undefined;
      const { agent, load, loader, logs } = node("agent");
      const result = await load([{ name: "./good-allocation.js", enabled_for: ["allocation"], options: { reason: 5 } }]);
      expect(result.modules).toEqual([]);
      expect(result.skipped).toEqual([{ name: "@fixture/good-allocation", version: "1.2.0", roles: ["master"] }]);
      expect(result.warnings).toEqual([]);
      expect(loader.list()).toEqual([]);
      expect(seen.container).toBeUndefined();
      expect(Object.values(agent).flatMap((group) => Object.values(group).flatMap((hook) => (hook as { taps: unknown[] }).taps))).toEqual([]);
      expect(infoLines(logs)).toEqual(["skipped module @fixture/good-allocation@1.2.0: it runs on master nodes, this node is an agent"]);
      expect(logs.find((l) => l.level === 30)).toMatchObject({ module: "@fixture/good-allocation", roles: ["master"], role: "agent" });
    });

    it("loads that master-only module on the master, where its options are validated", async () => {
      const { master, load, loader } = node("master");
      const entry = { name: "./good-allocation.js", enabled_for: ["allocation"] };
      const err = await refusal(load([{ ...entry, options: { reason: 5 } }]));
      expect(err.problem).toBe("invalid_options");
      const result = await load([entry]);
      expect(result.skipped).toEqual([]);
      expect(loader.list().map((m) => m.name)).toEqual(["@fixture/good-allocation"]);
      expect(master.allocation.filterOffer.call(candidate)).toBe("vetoed by fixture");
    });

    it("skips an agent-only module on the master and loads it on an agent", async () => {
      const onMaster = node("master");
      const skipped = await onMaster.load([{ name: "./agent-only.js" }]);
      expect(skipped.skipped.map((m) => m.name)).toEqual(["@fixture/agent-only"]);
      expect(onMaster.loader.list()).toEqual([]);
      // Its version is the nearest package.json's (the core's): not this test's business.
      expect(infoLines(onMaster.logs)).toEqual([expect.stringMatching(/^skipped module @fixture\/agent-only@\S+: it runs on agent nodes, this node is a master$/)]);

      const onAgent = node("agent");
      const loaded = await onAgent.load([{ name: "./agent-only.js" }]);
      expect(loaded.skipped).toEqual([]);
      expect(onAgent.loader.list().map((m) => m.name)).toEqual(["@fixture/agent-only"]);
    });

    it("refuses a module that needs another module API on the node that would skip it too", async () => {
      for (const role of ["master", "agent"] as const) {
        const err = await refusal(node(role).load([{ name: "./needs-api-2.js" }]));
        expect({ role, problem: err.problem }).toEqual({ role, problem: "incompatible_api" });
      }
    });

    it("refuses two entries with one name on the node that would skip them", async () => {
      const err = await refusal(node("agent").load([{ name: "./good-allocation.js" }, { name: "./same-name.js" }]));
      expect(err.problem).toBe("duplicate_name");
    });

    it("hands a module of both roles only this node's enabled groups, leaving the others to the other role", async () => {
      const modules = [{ name: "@fixture/good-module", enabled_for: ["masterLifecycle", "agentLifecycle"] }];
      const resolveFrom = installFixturePackages();
      const onMaster = node("master");
      const m = await onMaster.load(modules, { resolveFrom });
      const onAgent = node("agent");
      const a = await onAgent.load(modules, { resolveFrom });
      expect([m.modules[0]?.enabled_for, m.warnings]).toEqual([["masterLifecycle"], []]);
      expect([a.modules[0]?.enabled_for, a.warnings]).toEqual([["agentLifecycle"], []]);
      expect(onMaster.master.masterLifecycle.agentRegistered.taps.map((t) => t.name)).toEqual(["@fixture/good-module"]);
      expect(onAgent.agent.agentLifecycle.taskLaunched.taps.map((t) => t.name)).toEqual(["@fixture/good-module"]);
    });

    it("refuses a module on a role it does not support when the config is for that role only", async () => {
      const err = await refusal(node("master").load([{ name: "./agent-only.js" }], { configRoles: ["master"] }));
      expect(err).toMatchObject({ module: "@fixture/agent-only", problem: "unsupported_role" });
      expect(err.message).toBe('module "@fixture/agent-only" runs on agent nodes only, this node is a master');
    });
  });

  it("refuses enabling a module for a hook group this node does not have", async () => {
    const err = await refusal(node("master").load([{ name: "./good-allocation.js", enabled_for: ["isolation"] }]));
    expect(err.problem).toBe("hook_group_unavailable");
    expect(err.message).toBe(
      'module "./good-allocation.js": modules[0].enabled_for names "isolation", which a master does not have; a master has allocation, resourceProviders, masterLifecycle',
    );
  });

  it("reports (and logs) a module enabled for nothing, and still loads it", async () => {
    const { master, load, logs } = node();
    const result = await load([{ name: "./good-allocation.js" }]);
    expect(result.warnings).toEqual([
      'module "@fixture/good-allocation" is loaded but enabled for nothing, so none of its hooks will run (it taps allocation); set enabled_for in modules[0]',
    ]);
    expect(logs.filter((l) => l.level === 40).map((l) => l.msg)).toEqual(result.warnings);
    expect(master.allocation.filterOffer.taps).toEqual([]);
    expect(result.modules.map((m) => m.name)).toEqual(["@fixture/good-allocation"]);
  });

  it("reports a group the module is enabled for but never tapped", async () => {
    const result = await node().load([{ name: "./good-allocation.js", enabled_for: ["allocation", "resourceProviders"] }]);
    expect(result.warnings).toEqual(['module "@fixture/good-allocation" is enabled for resourceProviders but tapped none of its hooks (it taps allocation)']);
  });

  it("unload takes back every tap and forgets the modules", async () => {
    const { master, load, loader } = node();
    const result = await load([{ name: "./good-allocation.js", enabled_for: ["allocation"] }]);
    expect(master.allocation.filterOffer.call(candidate)).toBe("vetoed by fixture");
    await result.unload();
    expect(master.allocation.filterOffer.call(candidate)).toBeUndefined();
    expect(loader.list()).toEqual([]);
  });

  it("loads from a YAML file, resolving relative paths from the file's directory", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tessera-yaml-"));
    const file = join(dir, "tessera.yaml");
    writeFileSync(
      file,
      [
        "modules:",
        `  - name: ${join(FIXTURES, "good-allocation.js")}`,
        "    enabled_for: [allocation]",
        "    options:",
        "      reason: draining for kernel upgrade",
      ].join("\n"),
    );
    const { config, baseDir } = await readModulesConfig(file);
    expect(baseDir).toBe(dirname(file));
    const { master, loader } = node();
    await loader.load(config, { role: "master", hooks: master, container: rootContainer, resolveFrom: baseDir });
    expect(master.allocation.filterOffer.call(candidate)).toBe("draining for kernel upgrade");
  });

  it("loads from a JSON file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tessera-json-"));
    symlinkSync(FIXTURES, join(dir, "mods"), "dir");
    const file = join(dir, "tessera.json");
    writeFileSync(file, JSON.stringify({ modules: [{ name: "./mods/good-allocation.js", enabled_for: ["allocation"], options: { reason: "json" } }] }));
    const { config, baseDir } = await readModulesConfig(file);
    const { master, loader } = node();
    await loader.load(config, { role: "master", hooks: master, container: rootContainer, resolveFrom: baseDir });
    expect(master.allocation.filterOffer.call(candidate)).toBe("json");
  });
});
