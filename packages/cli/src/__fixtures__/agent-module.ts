import { defineModule, z } from "@tessera/core";

// An agent-only module, as a vendor would write it against the public API (for `up --config` tests).
export default defineModule({
  name: "@fixture/agent-launch-counter",
  version: "1.0.0",
  apiVersion: "^1.0.0",
  roles: ["agent"],
  hooks: ["agentLifecycle"],
  options: z.strictObject({}),
  register({ name, hooks }) {
    hooks.agentLifecycle?.taskLaunched.tap(name, () => {});
  },
});
