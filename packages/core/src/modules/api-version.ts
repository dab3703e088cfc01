/**
 * The version of the module API this core provides (defineModule, the hook groups and their
 * signatures). Modules state the range they support as `apiVersion`; the loader checks it.
 * Bump the major when a hook's signature changes incompatibly, the minor when hooks are added.
 */
export const MODULE_API_VERSION = "1.0.0";
