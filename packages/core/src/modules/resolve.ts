// Hand-written: Node 20 has no public ESM resolver that takes a parent directory
// (import.meta.resolve's parent argument is behind a flag), and require.resolve applies
// CommonJS conditions, which miss ESM-only packages. Node's own search path is reused.
import { existsSync, readFileSync, realpathSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export interface ResolvedModule {
  /** Absolute path of the file to import. */
  file: string;
  /** The version in the package.json that owns the file, if any. */
  packageVersion?: string;
}

/** Why a specifier did not resolve, for the "not found" message. */
export class ModuleNotFound extends Error {}

/** Whether the config names a path rather than an npm package. */
export function isPathSpecifier(specifier: string): boolean {
  return specifier.startsWith("./") || specifier.startsWith("../") || specifier.startsWith("file:") || isAbsolute(specifier);
}

/** Conditions Node was started with (--conditions/-C), so the loader agrees with `node -C x`. */
export function processConditions(execArgv: readonly string[] = process.execArgv): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i]!;
    const eq = /^(?:--conditions|-C)=(.+)$/.exec(arg);
    if (eq) out.push(eq[1]!);
    else if ((arg === "--conditions" || arg === "-C") && execArgv[i + 1]) out.push(execArgv[++i]!);
  }
  return out;
}

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function nearestPackageVersion(file: string): string | undefined {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const pkg = readJson(join(dir, "package.json"));
    if (pkg) return typeof pkg.version === "string" ? pkg.version : undefined;
    if (dirname(dir) === dir) return undefined;
  }
}

/** Picks the target of an exports entry for the active conditions, in the entry's key order (as Node does). */
function exportsTarget(target: unknown, conditions: ReadonlySet<string>): string | undefined {
  if (typeof target === "string") return target;
  if (Array.isArray(target)) {
    for (const t of target) {
      const hit = exportsTarget(t, conditions);
      if (hit !== undefined) return hit;
    }
    return undefined;
  }
  if (target !== null && typeof target === "object") {
    for (const [key, value] of Object.entries(target)) {
      if (key !== "default" && !conditions.has(key)) continue;
      const hit = exportsTarget(value, conditions);
      if (hit !== undefined) return hit;
    }
  }
  return undefined;
}

function packageEntry(pkgDir: string, subpath: string, conditions: ReadonlySet<string>): string {
  const pkg = readJson(join(pkgDir, "package.json")) ?? {};
  const { exports } = pkg;
  if (exports !== undefined && exports !== null) {
    const isSubpathMap = typeof exports === "object" && !Array.isArray(exports) && Object.keys(exports).some((k) => k.startsWith("."));
    const entry = isSubpathMap ? (exports as Record<string, unknown>)[subpath] : subpath === "." ? exports : undefined;
    const target = exportsTarget(entry, conditions);
    if (target === undefined) {
      throw new ModuleNotFound(`package at ${pkgDir} exports no "${subpath}" for conditions ${[...conditions].join(", ")}`);
    }
    return resolve(pkgDir, target);
  }
  if (subpath !== ".") return resolve(pkgDir, subpath);
  return resolve(pkgDir, typeof pkg.main === "string" ? pkg.main : "index.js");
}

function splitPackageSpecifier(specifier: string): { pkgName: string; subpath: string } {
  const parts = specifier.split("/");
  const n = specifier.startsWith("@") ? 2 : 1;
  const rest = parts.slice(n).join("/");
  return { pkgName: parts.slice(0, n).join("/"), subpath: rest ? `./${rest}` : "." };
}

/**
 * Resolves a module named in the operator's config: a path relative to `fromDir`, or an npm
 * package searched in the node_modules directories Node would search from `fromDir`.
 * Throws ModuleNotFound saying where it looked.
 */
export function resolveModule(specifier: string, fromDir: string, conditions: readonly string[] = []): ResolvedModule {
  const active = new Set(["node", "import", ...processConditions(), ...conditions]);
  let file: string;
  if (isPathSpecifier(specifier)) {
    const target = specifier.startsWith("file:") ? fileURLToPath(specifier) : resolve(fromDir, specifier);
    if (!existsSync(target)) throw new ModuleNotFound(`no file or directory at ${target}`);
    file = statSync(target).isDirectory()
      ? existsSync(join(target, "package.json"))
        ? packageEntry(target, ".", active)
        : join(target, "index.js")
      : target;
  } else {
    const { pkgName, subpath } = splitPackageSpecifier(specifier);
    const searched = createRequire(join(resolve(fromDir), "noop.js")).resolve.paths(pkgName) ?? [];
    const pkgDir = searched.map((dir) => join(dir, pkgName)).find((dir) => existsSync(join(dir, "package.json")));
    if (!pkgDir) throw new ModuleNotFound(`no package "${pkgName}" in node_modules from ${resolve(fromDir)} upwards`);
    file = packageEntry(pkgDir, subpath, active);
  }
  if (!existsSync(file)) throw new ModuleNotFound(`its entry ${file} does not exist (is the package built?)`);
  const real = realpathSync(file);
  return { file: real, packageVersion: nearestPackageVersion(real) };
}
