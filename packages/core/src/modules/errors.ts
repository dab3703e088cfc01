/** Why the loader refused a module; stable, for callers that react to a kind of refusal. */
export type ModuleLoadProblem =
  | "not_found"
  | "import_failed"
  | "not_a_module"
  | "incompatible_api"
  | "unsupported_role"
  | "hook_group_unavailable"
  | "invalid_options"
  | "duplicate_name"
  | "register_failed";

/** A module was refused. The message names the module, the problem and what was expected; nothing of the load stays registered. */
export class ModuleLoadError extends Error {
  override readonly name = "ModuleLoadError";
  /** One entry per offending item (e.g. every bad option), when there are several. */
  readonly details: string[];
  constructor(
    /** The module's name (from its definition, or the config entry's name if it never loaded). */
    readonly module: string,
    readonly problem: ModuleLoadProblem,
    message: string,
    options: { cause?: unknown; details?: string[] } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.details = options.details ?? [];
  }
}

/** The operator's modules config is malformed; `problems` has one line per offending key. */
export class ModuleConfigError extends Error {
  override readonly name = "ModuleConfigError";
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source}: ${problems.join("; ")}`);
  }
}
