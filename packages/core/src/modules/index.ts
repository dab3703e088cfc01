// The module system: how vendors declare modules and how nodes load them from config.
export { z } from "zod";
export { MODULE_API_VERSION } from "./api-version.js";
export {
  defineModule,
  isModuleDefinition,
  moduleOptionsJsonSchema,
  type AnyModuleDefinition,
  type ModuleContext,
  type ModuleDefinition,
  type ModuleHooks,
  type ModuleSpec,
} from "./define-module.js";
export {
  ModuleEntrySchema,
  ModulesConfigSchema,
  parseModulesConfig,
  parseModulesConfigText,
  readModulesConfig,
  type ModuleEntry,
  type ModulesConfig,
} from "./config.js";
export { ModuleConfigError, ModuleLoadError, type ModuleLoadProblem } from "./errors.js";
export { ModuleLoader, type LoadedModule, type LoadOptions, type LoadResult, type SkippedModule } from "./loader.js";
export type { TapView, TapViewGroup } from "./tap-recorder.js";
