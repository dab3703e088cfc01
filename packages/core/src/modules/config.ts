import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import YAML from "yaml";
import { z } from "zod";
import { HOOK_GROUPS, type HookGroupName } from "../hooks/node-hooks.js";
import { ModuleConfigError } from "./errors.js";
import { describeIssues } from "./zod-issues.js";

/** One module the operator wants loaded. */
export const ModuleEntrySchema = z.strictObject({
  /** npm package name (resolved from the config file's directory), or a path starting with ./, ../ or /. */
  name: z.string().trim().min(1, "must name an npm package or a path"),
  /** Hook groups the module may tap on this node; none means it is loaded but inert (reported). */
  enabled_for: z
    .array(z.enum(HOOK_GROUPS as readonly [HookGroupName, ...HookGroupName[]]))
    .default([])
    .transform((groups) => [...new Set(groups)]),
  /** Passed to the module's own options schema. */
  options: z.record(z.string(), z.unknown()).default({}),
});

/** The `modules` section of the operator's config; other top-level keys belong to others and are ignored. */
export const ModulesConfigSchema = z.object({
  modules: z.array(ModuleEntrySchema).default([]),
});

export type ModuleEntry = z.output<typeof ModuleEntrySchema>;
export type ModulesConfig = z.output<typeof ModulesConfigSchema>;

/** Validates an already-parsed config object; `source` names it in errors. */
export function parseModulesConfig(value: unknown, source = "modules config"): ModulesConfig {
  if (value === null || value === undefined) value = {};
  const result = ModulesConfigSchema.safeParse(value, { reportInput: true });
  if (!result.success) throw new ModuleConfigError(source, describeIssues(result.error.issues));
  return result.data;
}

/** Parses YAML or JSON text (JSON is YAML) and validates it. */
export function parseModulesConfigText(text: string, source = "modules config"): ModulesConfig {
  const doc = YAML.parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ModuleConfigError(
      source,
      doc.errors.map((e) => (e.linePos ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}: ${e.message.split("\n")[0]}` : e.message)),
    );
  }
  return parseModulesConfig(doc.toJS(), source);
}

/** Reads a config file; `baseDir` is where its package names and relative paths resolve from. */
export async function readModulesConfig(file: string): Promise<{ config: ModulesConfig; baseDir: string; source: string }> {
  const source = resolve(file);
  let text: string;
  try {
    text = await readFile(source, "utf8");
  } catch (err) {
    throw new ModuleConfigError(source, [`cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`]);
  }
  return { config: parseModulesConfigText(text, source), baseDir: dirname(source), source };
}
