import "reflect-metadata"; // tsyringe refuses to load without it; harmless if the entry point loaded it already
import { pathToFileURL } from "node:url";
import { pino, type Logger } from "pino";
import semver from "semver";
import { container as globalContainer, type DependencyContainer } from "tsyringe";
import { hookGroupsFor, type AllHooks, type HookGroupName, type NodeRole } from "../hooks/node-hooks.js";
import { MODULE_API_VERSION } from "./api-version.js";
import type { ModuleEntry, ModulesConfig } from "./config.js";
import { isModuleDefinition, moduleOptionsJsonSchema, NODE_ROLES, type AnyModuleDefinition, type ModuleHooks } from "./define-module.js";
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
  /**
   * Roles of the nodes that read this config (default master and agent: one config for the
   * cluster). A module for another of these roles is skipped here; one for none is refused.
   */
  configRoles?: readonly NodeRole[];
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

/** A module of the config meant for other nodes: resolved and its apiVersion checked, not registered. */
export interface SkippedModule {
  name: string;
  version: string;
  roles: NodeRole[];
}

export interface LoadResult {
  modules: LoadedModule[];
  /** Modules the config lists for other roles only; each is logged at info. */
  skipped: SkippedModule[];
  /** Loaded but inert configurations: enabled for nothing, or for groups never tapped. Also logged. */
  warnings: string[];
  /** Takes back every tap of this load and disposes the modules' containers. */
  unload(): Promise<void>;
}

interface Checked {
  entry: ModuleEntry;
  where: string;
  definition: AnyModuleDefinition;
  version: string;
}

/** An entry after its checks: either registered on this node, or meant for other nodes only. */
type Prepared = (Checked & { loads: true; options: unknown; info: LoadedModule }) | (Checked & { loads: false; skipped: SkippedModule });

interface Registered {
  info: LoadedModule;
  recorder: TapRecorder;
  container: DependencyContainer;
}

const quote = (name: string) => JSON.stringify(name);
const aNode = (role: NodeRole) => (role === "agent" ? "an agent" : "a master");
const errorMessage = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Loads the modules an operator configured, all or nothing: every module is resolved,
 * imported and checked before any registers, and if a register throws, the taps and
 * containers of every module of the load are taken back before the error is thrown.
 * One config may serve every node: a module for other roles only is checked and skipped.
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
      if (!p.loads) continue;
      const recorder = new TapRecorder();
      const container = (options.container ?? globalContainer).createChildContainer();
      registered.push({ info: p.info, recorder, container });
      const name = p.definition.name;
      const hooks: Record<string, unknown> = {};
      for (const group of p.info.enabled_for) hooks[group] = recorder.view(group, options.hooks[group]!);
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

    // Logged only once the whole load stands, in config order.
    for (const p of prepared) {
      if (p.loads) {
        this.#loaded.set(p.info.name, p.info);
        this.#log.info({ module: p.info.name, version: p.info.version, enabled_for: p.info.enabled_for }, `loaded module ${p.info.name}@${p.info.version}`);
      } else {
        const { name, version, roles } = p.skipped;
        this.#log.info(
          { module: name, version, roles, role: options.role },
          `skipped module ${name}@${version}: it runs on ${roles.join(" and ")} nodes, this node is ${aNode(options.role)}`,
        );
      }
    }
    for (const warning of warnings) this.#log.warn(warning);

    let unloaded = false;
    return {
      modules: registered.map((r) => r.info),
      skipped: prepared.flatMap((p) => (p.loads ? [] : [p.skipped])),
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
    const configRoles = options.configRoles ?? NODE_ROLES;

    const sameEntry = earlier.find((p) => p.entry.name === asked);
    if (sameEntry) throw refuse(asked, "duplicate_name", `module ${quote(asked)} is listed twice: ${sameEntry.where} and ${where}`);

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
    if (clash) {
      throw refuse(name, "duplicate_name", `module ${quote(name)} is loaded twice: by ${clash.where} (${quote(clash.entry.name)}) and by ${where} (${quote(asked)}); module names must be unique`);
    }

    if (!semver.satisfies(MODULE_API_VERSION, definition.apiVersion)) {
      throw refuse(name, "incompatible_api", `module ${quote(name)} needs module API ${definition.apiVersion}, this core provides ${MODULE_API_VERSION}`);
    }

    const version = definition.version ?? resolved.packageVersion ?? "0.0.0";
    const roles = [...definition.roles];
    const checked: Checked = { entry, where, definition, version };
    if (!roles.includes(options.role)) {
      if (!roles.some((r) => configRoles.includes(r))) {
        throw refuse(name, "unsupported_role", `module ${quote(name)} runs on ${roles.join(" and ")} nodes only, this node is ${aNode(options.role)}`);
      }
      // Another node of the cluster loads it; its options and hook groups are checked there.
      return { ...checked, loads: false, skipped: { name, version, roles } };
    }

    if (this.#loaded.has(name) || this.#claimed.has(name)) {
      throw refuse(name, "duplicate_name", `module ${quote(name)} is loaded twice: by another load and by ${where} (${quote(asked)}); module names must be unique`);
    }
    // Claimed in the same tick as the check: a concurrent load resuming later sees it.
    this.#claimed.add(name);
    claims.push(name);

    const enabledHere = this.#groupsHere(entry, where, roles, options, configRoles);

    const parsed = definition.options.safeParse(entry.options, { reportInput: true });
    if (!parsed.success) {
      const details = describeIssues(parsed.error.issues).map((line) => `option ${line}`);
      throw refuse(name, "invalid_options", `module ${quote(name)}: ${details.join("; ")}`, { details });
    }

    const info: LoadedModule = {
      name,
      version,
      apiVersion: definition.apiVersion,
      roles,
      enabled_for: enabledHere,
      optionsSchema: moduleOptionsJsonSchema(definition),
      source: resolved.file,
    };
    return { ...checked, loads: true, options: parsed.data, info };
  }

  /**
   * The entry's groups this node hands the module. A group of another role is left to the nodes
   * of that role when the module runs there too; otherwise no node could honour it.
   */
  #groupsHere(entry: ModuleEntry, where: string, roles: readonly NodeRole[], options: LoadOptions, configRoles: readonly NodeRole[]): HookGroupName[] {
    const here = hookGroupsFor(options.role);
    const out: HookGroupName[] = [];
    for (const group of entry.enabled_for) {
      if (here.includes(group) && options.hooks[group]) {
        out.push(group);
        continue;
      }
      const elsewhere = roles.some((r) => r !== options.role && configRoles.includes(r) && hookGroupsFor(r).includes(group));
      if (elsewhere) continue;
      throw new ModuleLoadError(
        entry.name,
        "hook_group_unavailable",
        `module ${quote(entry.name)}: ${where}.enabled_for names ${quote(group)}, which ${aNode(options.role)} does not have; ${aNode(options.role)} has ${here.join(", ")}`,
      );
    }
    return out;
  }

  /** The classic Mesos pitfall: a module that is loaded but will never run. */
  #inertWarnings(p: Extract<Prepared, { loads: true }>, recorder: TapRecorder): string[] {
    const name = quote(p.definition.name);
    const declared = p.definition.hooks as readonly HookGroupName[] | undefined;
    const hint = declared?.length ? ` (it taps ${declared.join(", ")})` : "";
    if (p.entry.enabled_for.length === 0) {
      return [`module ${name} is loaded but enabled for nothing, so none of its hooks will run${hint}; set enabled_for in ${p.where}`];
    }
    const tapped = recorder.tappedGroups();
    return p.info.enabled_for
      .filter((group) => !tapped.has(group))
      .map((group) => `module ${name} is enabled for ${group} but tapped none of its hooks${hint}`);
  }
}
