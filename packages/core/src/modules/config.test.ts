import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseModulesConfig, parseModulesConfigText, readModulesConfig } from "./config.js";
import { ModuleConfigError } from "./errors.js";

function configError(fn: () => unknown): ModuleConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ModuleConfigError);
    return err as ModuleConfigError;
  }
  throw new Error("expected a ModuleConfigError");
}

describe("modules config", () => {
  it("reads the same config from YAML and from JSON, with defaults filled in", () => {
    const yaml = parseModulesConfigText(
      ["modules:", "  - name: '@acme/tessera-veto-attribute'", "    enabled_for: [allocation, allocation]", "    options: { attribute: rack }", "  - name: ./local.js"].join("\n"),
    );
    const json = parseModulesConfigText(
      JSON.stringify({ modules: [{ name: "@acme/tessera-veto-attribute", enabled_for: ["allocation"], options: { attribute: "rack" } }, { name: "./local.js" }] }),
    );
    const expected = {
      modules: [
        { name: "@acme/tessera-veto-attribute", enabled_for: ["allocation"], options: { attribute: "rack" } },
        { name: "./local.js", enabled_for: [], options: {} },
      ],
    };
    expect(yaml).toEqual(expected);
    expect(json).toEqual(expected);
  });

  it("ignores other top-level sections and treats an empty file as no modules", () => {
    expect(parseModulesConfigText("master:\n  port: 5050\n")).toEqual({ modules: [] });
    expect(parseModulesConfigText("")).toEqual({ modules: [] });
  });

  it("names every offending key with its path", () => {
    const err = configError(() =>
      parseModulesConfig({ modules: [{ name: "a", enabled_for: ["allocation", "isolaton"] }, { nmae: "b", options: [] }] }, "tessera.yaml"),
    );
    expect(err.problems).toEqual([
      'modules[0].enabled_for[1]: expected one of "allocation", "resourceProviders", "masterLifecycle", "containerization", "isolation", "oversubscription", "agentLifecycle", got string "isolaton"',
      "modules[1].name: required, expected string",
      "modules[1].options: expected record, got array",
      "modules[1].nmae: unknown key",
    ]);
    expect(err.message.startsWith("tessera.yaml: modules[0].enabled_for[1]: ")).toBe(true);
  });

  it("reports YAML syntax errors with line and column", () => {
    const err = configError(() => parseModulesConfigText("modules:\n  - name: a\n   enabled_for: [x\n", "bad.yaml"));
    expect(err.source).toBe("bad.yaml");
    expect(err.problems[0]).toMatch(/^line \d+, column \d+: /);
  });

  it("reads a file and returns its directory for resolution; a missing file is named", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tessera-config-"));
    writeFileSync(join(dir, "t.json"), '{"modules":[{"name":"x"}]}');
    await expect(readModulesConfig(join(dir, "t.json"))).resolves.toMatchObject({ baseDir: dir, config: { modules: [{ name: "x" }] } });
    await expect(readModulesConfig(join(dir, "missing.yaml"))).rejects.toThrow(`${join(dir, "missing.yaml")}: cannot read: ENOENT`);
  });
});
