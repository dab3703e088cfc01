import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ModuleNotFound, processConditions, resolveModule } from "./resolve.js";

function pkg(root: string, name: string, manifest: Record<string, unknown>, files: string[]): string {
  const dir = join(root, "node_modules", name);
  for (const f of files) {
    mkdirSync(join(dir, f, ".."), { recursive: true });
    writeFileSync(join(dir, f), "export default 1;\n");
  }
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name, version: "3.1.4", ...manifest }));
  return realpathSync(dir);
}

describe("resolveModule", () => {
  it("follows exports in key order for node/import plus extra conditions, ignoring require", () => {
    const root = mkdtempSync(join(tmpdir(), "tessera-resolve-"));
    const exportsMap = { ".": { edge: "./src/index.js", require: "./cjs/index.cjs", import: "./dist/index.js" } };
    const dir = pkg(root, "@acme/m", { exports: exportsMap }, ["src/index.js", "cjs/index.cjs", "dist/index.js"]);
    expect(resolveModule("@acme/m", root)).toEqual({ file: join(dir, "dist/index.js"), packageVersion: "3.1.4" });
    expect(resolveModule("@acme/m", root, ["edge"]).file).toBe(join(dir, "src/index.js"));
  });

  it("searches node_modules upwards from a nested directory and falls back to main", () => {
    const root = mkdtempSync(join(tmpdir(), "tessera-resolve-"));
    const dir = pkg(root, "plain", { main: "lib/main.js" }, ["lib/main.js"]);
    const nested = join(root, "etc", "tessera");
    mkdirSync(nested, { recursive: true });
    expect(resolveModule("plain", nested).file).toBe(join(dir, "lib/main.js"));
  });

  it("says where it looked when nothing is there", () => {
    const root = mkdtempSync(join(tmpdir(), "tessera-resolve-"));
    expect(() => resolveModule("nope", root)).toThrow(ModuleNotFound);
    expect(() => resolveModule("./nope.js", root)).toThrow(`no file or directory at ${join(root, "nope.js")}`);
  });

  it("reads --conditions the way node does", () => {
    expect(processConditions(["--conditions=development", "-C", "edge", "--inspect"])).toEqual(["development", "edge"]);
  });
});
