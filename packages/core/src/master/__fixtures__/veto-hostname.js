// A master module for tests: vetoes every offer from one agent host name.
import { z } from "zod";
import { defineModule } from "../../modules/define-module.js";

export default defineModule({
  name: "@fixture/veto-hostname",
  version: "1.0.0",
  apiVersion: "^1.0.0",
  roles: ["master"],
  hooks: ["allocation"],
  options: z.strictObject({ hostname: z.string() }),
  register({ name, hooks, options }) {
    hooks.allocation?.filterOffer.tap(name, (c) => (c.agent.hostname === options.hostname ? `host ${options.hostname} is vetoed` : undefined));
  },
});
