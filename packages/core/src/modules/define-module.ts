import type { Logger } from "pino";
import semver from "semver";
import type { DependencyContainer } from "tsyringe";
import { z } from "zod";
import { HOOK_GROUPS, type AllHooks, type HookGroupName, type NodeRole } from "../hooks/node-hooks.js";
import type { TapViewGroup } from "./tap-recorder.js";

// Symbol.for, not Symbol(): a module may be built against another copy of @tessera/core
// (dist vs src, two node_modules); the brand must still be recognised.
const MODULE_DEFINITION: unique symbol = Symbol.for("@tessera/core.module-definition");

/** The hook groups handed to a module: only those the operator enabled it for, on this node's role. */
export type ModuleHooks<G extends HookGroupName = HookGroupName> = { readonly [K in G]?: TapViewGroup<AllHooks[K]> };

/** What `register` gets. */
export interface ModuleContext<O = unknown, G extends HookGroupName = HookGroupName> {
  /** The module's name, for tap names and log lines. */
  name: string;
  /** The module's own version (its package.json, or `version` in the definition). */
  version: string;
  /** The operator's options, parsed by the module's schema (defaults applied). */
  options: O;
  /** Enabled groups only; a group the operator did not enable is absent. */
  hooks: ModuleHooks<G>;
  /** A pino child logger bound to the module's name. */
  log: Logger;
  /** A child container for the module's services; disposed if the load is refused. */
  container: DependencyContainer;
  role: NodeRole;
}

export interface ModuleSpec<S extends z.ZodType = z.ZodType, G extends HookGroupName = HookGroupName> {
  /** Usually the npm package name; unique among the modules a node loads. */
  name: string;
  /** Defaults to the version in the module's package.json. */
  version?: string;
  /** semver range of MODULE_API_VERSION this module works with, e.g. "^1.0.0". */
  apiVersion: string;
  roles: readonly NodeRole[];
  /** zod schema of the options; unknown keys are refused if it is strict (recommended). */
  options: S;
  /** The hook groups the module taps; the loader warns when the operator enables others. */
  hooks?: readonly G[];
  /** Taps hooks and registers services. Throwing refuses the whole load. */
  register(ctx: ModuleContext<z.output<S>, G>): void | Promise<void>;
}

export type ModuleDefinition<S extends z.ZodType = z.ZodType, G extends HookGroupName = HookGroupName> = Readonly<
  ModuleSpec<S, G>
> & { readonly [MODULE_DEFINITION]: true };

/** Any module definition, as the loader handles them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyModuleDefinition = ModuleDefinition<any, any>;

/** Every role a node can have. */
export const NODE_ROLES: readonly NodeRole[] = Object.freeze(["master", "agent"]);

/** Declares a module; its package's default export must be the result. Checks the declaration itself. */
export function defineModule<S extends z.ZodType, const G extends HookGroupName = HookGroupName>(
  spec: ModuleSpec<S, G>,
): ModuleDefinition<S, G> {
  const name = typeof spec?.name === "string" && spec.name.trim() !== "" ? spec.name : undefined;
  const fail = (problem: string): never => {
    throw new TypeError(`defineModule(${name ? JSON.stringify(name) : "?"}): ${problem}`);
  };
  if (!name) fail("name must be a non-empty string");
  if (typeof spec.apiVersion !== "string" || semver.validRange(spec.apiVersion) === null)
    fail(`apiVersion must be a semver range such as "^1.0.0", got ${JSON.stringify(spec.apiVersion)}`);
  if (spec.version !== undefined && semver.valid(spec.version) === null)
    fail(`version must be a semver version, got ${JSON.stringify(spec.version)}`);
  if (!Array.isArray(spec.roles) || spec.roles.length === 0 || spec.roles.some((r) => !NODE_ROLES.includes(r)))
    fail(`roles must list "master" and/or "agent", got ${JSON.stringify(spec.roles)}`);
  // Duck-typed: a vendor's own copy of zod 4 fails instanceof but works.
  if (typeof (spec.options as { safeParse?: unknown })?.safeParse !== "function" || !("_zod" in spec.options))
    fail("options must be a zod 4 schema, e.g. z.strictObject({...})");
  if (spec.hooks !== undefined && (!Array.isArray(spec.hooks) || spec.hooks.some((g) => !HOOK_GROUPS.includes(g))))
    fail(`hooks must list hook groups (${HOOK_GROUPS.join(", ")}), got ${JSON.stringify(spec.hooks)}`);
  if (typeof spec.register !== "function") fail("register must be a function");
  return Object.freeze({
    ...spec,
    roles: Object.freeze([...spec.roles]),
    ...(spec.hooks ? { hooks: Object.freeze([...spec.hooks]) } : {}),
    [MODULE_DEFINITION]: true as const,
  });
}

/** True for what defineModule returned (from any copy of the core), false for look-alikes. */
export function isModuleDefinition(value: unknown): value is AnyModuleDefinition {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[MODULE_DEFINITION] === true;
}

/** JSON Schema of a module's options, as operators write them (defaults optional); ship it with the module. */
export function moduleOptionsJsonSchema(definition: Pick<AnyModuleDefinition, "options">): Record<string, unknown> {
  return z.toJSONSchema(definition.options, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
}
