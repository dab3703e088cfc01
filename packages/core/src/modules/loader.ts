import "reflect-metadata"; // tsyringe refuses to load without it; harmless if the entry point loaded it already
import { pathToFileURL } from "node:url";
import { pino, type Logger } from "pino";
import semver from "semver";
import { container as globalContainer, type DependencyContainer } from "tsyringe";
import { hookGroupsFor, type AllHooks, type HookGroupName, type NodeRole } from "../hooks/node-hooks.js";
import { MODULE_API_VERSION } from "./api-version.js";
import type { ModuleEntry, ModulesConfig } from "./config.js";
import { isModuleDefinition, moduleOptionsJsonSchema, type AnyModuleDefinition, type ModuleHooks } from "./define-module.js";
import { ModuleLoadError } from "./errors.js";
import { ModuleNotFound, resolveModule } from "./resolve.js";
import { TapRecorder } from "./tap-recorder.js";
import { describeIssues } from "./zod-issues.js";

export interface LoadOptions {
  role: NodeRole;
  /** The node's hooks (a MasterHooks or an AgentHooks). */
  hooks: Partial<AllHooks>;
  /** Each module gets a child of this container; defaults to tsyringe's global container. */
  container?: DependencyContainer;
  /** Directory package names and relative paths resolve from, usually the config file's. */
  resolveFrom: string;
  /** Extra package.json export conditions (besides node, import and Node's own --conditions). */
  conditions?: readonly string[];
}

/** A loaded module as `GET /modules` lists it. */
export interface LoadedModule {
  name: string;
  version: string;
  apiVersion: string;
  roles: NodeRole[];
  enabled_for: HookGroupName[];
  /** JSON Schema of the module's options. */
  optionsSchema: Record<string, unknown>;
  /** The file that was imported. */
  source: string;
}

export interface LoadResult {
  modules: LoadedModule[];
  /** Loaded but inert configurations: enabled for nothing, or for groups never tapped. Also logged. */
  warnings: string[];
  /** Takes back every tap of this load and disposes the modules' containers. */
  unload(): Promise<void>;
}

interface Prepared {
  entry: ModuleEntry;
  where: string;
  definition: AnyModuleDefinition;
  version: string;
  options: unknown;
  info: LoadedModule;
}

interface Registered {
  info: LoadedModule;
  recorder: TapRecorder;
  container: DependencyContainer;
}

const quote = (name: string) => JSON.stringify(name);
const errorMessage = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Loads the modules an operator configured, all or nothing: every module is resolved,
 * imported and checked before any registers, and if a register throws, the taps and
 * containers of every module of the load are taken back before the error is thrown.
 */
export class ModuleLoader {
  readonly #log: Logger;
  readonly #loaded = new Map<string, LoadedModule>();
  /** Names claimed by loads still in progress, so two concurrent loads cannot both take one. */
  readonly #claimed = new Set<string>();

  constructor(options: { log?: Logger } = {}) {
    this.#log = options.log ?? pino({ name: "tessera-modules" });
  }

  /** Everything loaded and not unloaded, in load order (for `GET /modules`). */
  list(): LoadedModule[] {
    return [...this.#loaded.values()];
  }

  async load(config: ModulesConfig, options: LoadOptions): Promise<LoadResult> {
    const prepared: Prepared[] = [];
    const claims: string[] = [];
    try {
      for (const [i, entry] of config.modules.entries()) {
        prepared.push(await this.#prepare(entry, `modules[${i}]`, prepared, options, claims));
      }
      return await this.#register(prepared, options);
    } finally {
      for (const name of claims) this.#claimed.delete(name);
    }
  }

  async #register(prepared: Prepared[], options: LoadOptions): Promise<LoadResult> {
    const registered: Registered[] = [];
    const warnings: string[] = [];
    const rollback = async () => {
      for (const r of registered.reverse()) {
        r.recorder.untapAll();
        await Promise.resolve(r.container.dispose()).catch(() => undefined);
      }
    };
    for (const p of prepared) {
      const recorder = new TapRecorder();
      const container = (options.container ?? globalContainer).createChildContainer();
      registered.push({ info: p.info, recorder, container });
      const name = p.definition.name;
      const hooks: Record<string, unknown> = {};
      for (const group of p.entry.enabled_for) hooks[group] = recorder.view(group, options.hooks[group]!);
      try {
        await p.definition.register({
          name,
          version: p.version,
          options: p.options,
          hooks: Object.freeze(hooks) as ModuleHooks,
          log: this.#log.child({ module: name }),
          container,
          role: options.role,
        });
      } catch (err) {
        await rollback();
        throw new ModuleLoadError(name, "register_failed", `module ${quote(name)} failed to register: ${errorMessage(err)}`, {
          cause: err,
        });
      }
      warnings.push(...this.#inertWarnings(p, recorder));
    }

    for (const { info } of registered) {
      this.#loaded.set(info.name, info);
      this.#log.info({ module: info.name, version: info.version, enabled_for: info.enabled_for }, `loaded module ${info.name}@${info.version}`);
    }
    for (const warning of warnings) this.#log.warn(warning);

    let unloaded = false;
    return {
      modules: registered.map((r) => r.info),
      warnings,
      unload: async () => {
        if (unloaded) return;
        unloaded = true;
        for (const { info } of registered) this.#loaded.delete(info.name);
        await rollback();
      },
    };
  }

  /** Resolves, imports and checks one entry; no side effects on hooks or containers. */
  async #prepare(entry: ModuleEntry, where: string, earlier: Prepared[], options: LoadOptions, claims: string[]): Promise<Prepared> {
    const refuse = (module: string, problem: ModuleLoadError["problem"], message: string, extra?: { cause?: unknown; details?: string[] }) =>
      new ModuleLoadError(module, problem, message, extra);
    const asked = entry.name;

    const sameEntry = earlier.find((p) => p.entry.name === asked);
    if (sameEntry) throw refuse(asked, "duplicate_name", `module ${quote(asked)} is listed twice: ${sameEntry.where} and ${where}`);

    const groups = hookGroupsFor(options.role);
    for (const group of entry.enabled_for) {
      if (!groups.includes(group) || !options.hooks[group]) {
        throw refuse(
          asked,
          "hook_group_unavailable",
          `module ${quote(asked)}: ${where}.enabled_for names ${quote(group)}, which a ${options.role} does not have; a ${options.role} has ${groups.join(", ")}`,
        );
      }
    }

    let resolved;
    try {
      resolved = resolveModule(asked, options.resolveFrom, options.conditions);
    } catch (err) {
      if (!(err instanceof ModuleNotFound)) throw err;
      throw refuse(asked, "not_found", `module ${quote(asked)} (${where}) not found: ${err.message}`, { cause: err });
    }

    let namespace: Record<string, unknown>;
    try {
      namespace = (await import(pathToFileURL(resolved.file).href)) as Record<string, unknown>;
    } catch (err) {
      throw refuse(asked, "import_failed", `module ${quote(asked)} could not be imported from ${resolved.file}: ${errorMessage(err)}`, { cause: err });
    }
    const definition = namespace.default;
    if (!isModuleDefinition(definition)) {
      const found =
        definition === undefined
          ? "it has no default export"
          : `its default export is ${definition === null ? "null" : typeof definition}${typeof definition === "object" && definition !== null ? " not made by defineModule" : ""}`;
      throw refuse(asked, "not_a_module", `module ${quote(asked)} is not a Tessera module: ${found}; expected \`export default defineModule({...})\` from @tessera/core`);
    }

    const name = definition.name;
    const clash = earlier.find((p) => p.definition.name === name);
    if (clash || this.#loaded.has(name) || this.#claimed.has(name)) {
      const first = clash ? `${clash.where} (${quote(clash.entry.name)})` : "another load";
      throw refuse(name, "duplicate_name", `module ${quote(name)} is loaded twice: by ${first} and by ${where} (${quote(asked)}); module names must be unique`);
    }
    // Claimed in the same tick as the check: a concurrent load resuming later sees it.
    this.#claimed.add(name);
    claims.push(name);

    if (!semver.satisfies(MODULE_API_VERSION, definition.apiVersion)) {
      throw refuse(name, "incompatible_api", `module ${quote(name)} needs module API ${definition.apiVersion}, this core provides ${MODULE_API_VERSION}`);
    }

    if (!definition.roles.includes(options.role)) {
      throw refuse(name, "unsupported_role", `module ${quote(name)} runs on ${definition.roles.join(" and ")} nodes only, this node is a ${options.role}`);
    }

    const parsed = definition.options.safeParse(entry.options, { reportInput: true });
    if (!parsed.success) {
      const details = describeIssues(parsed.error.issues).map((line) => `option ${line}`);
      throw refuse(name, "invalid_options", `module ${quote(name)}: ${details.join("; ")}`, { details });
    }

    const version = definition.version ?? resolved.packageVersion ?? "0.0.0";
    const info: LoadedModule = {
      name,
      version,
      apiVersion: definition.apiVersion,
      roles: [...definition.roles],
      enabled_for: [...entry.enabled_for],
      optionsSchema: moduleOptionsJsonSchema(definition),
      source: resolved.file,
    };
    return { entry, where, definition, version, options: parsed.data, info };
  }

  /** The classic Mesos pitfall: a module that is loaded but will never run. */
  #inertWarnings(p: Prepared, recorder: TapRecorder): string[] {
    const name = quote(p.definition.name);
    const declared = p.definition.hooks as readonly HookGroupName[] | undefined;
    const hint = declared?.length ? ` (it taps ${declared.join(", ")})` : "";
    if (p.entry.enabled_for.length === 0) {
      return [`module ${name} is loaded but enabled for nothing, so none of its hooks will run${hint}; set enabled_for in ${p.where}`];
    }
    const tapped = recorder.tappedGroups();
    return p.entry.enabled_for
      .filter((group) => !tapped.has(group))
      .map((group) => `module ${name} is enabled for ${group} but tapped none of its hooks${hint}`);
  }
}
