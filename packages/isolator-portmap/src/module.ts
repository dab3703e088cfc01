import { defineModule, moduleOptionsJsonSchema } from "@tessera/core";
import { PortmapOptions } from "./options.js";
import { PortMapper } from "./port-mapper.js";

export const MODULE_NAME = "@tessera/isolator-portmap";

const portmapModule = defineModule({
  name: MODULE_NAME,
  apiVersion: "^1.0.0",
  roles: ["agent"],
  hooks: ["isolation"],
  options: PortmapOptions,
  async register({ hooks, options, log }) {
    // Throws (refusing the load, with the reason) when not root, ip/tc are missing or the host's network does not fit.
    const mapper = await PortMapper.create(options, { log });
    const isolation = hooks.isolation;
    if (!isolation) return;
    isolation.recover.tapPromise(MODULE_NAME, async (containers) => void (await mapper.recover(containers)));
    isolation.prepare.tapPromise(MODULE_NAME, (plan, request) => mapper.prepare(plan, request));
    isolation.isolate.tapPromise(MODULE_NAME, (container, pid) => mapper.isolate(container, pid));
    isolation.update.tapPromise(MODULE_NAME, (container, resources) => mapper.update(container, resources));
    isolation.usage.tapPromise(MODULE_NAME, (container, sink) => mapper.usage(container, sink));
    isolation.status.tapPromise(MODULE_NAME, (status, container) => mapper.status(status, container));
    isolation.cleanup.tapPromise(MODULE_NAME, (container) => mapper.cleanup(container));
  },
});

export default portmapModule;

/** JSON Schema of the module's options, as operators write them; also shipped as options.schema.json. */
export const optionsJsonSchema = moduleOptionsJsonSchema(portmapModule);
