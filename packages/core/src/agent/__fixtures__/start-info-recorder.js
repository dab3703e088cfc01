// An agent module for tests: records what agentLifecycle.started tells modules, in the agent's work dir.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { defineModule } from "../../modules/define-module.js";

export default defineModule({
  name: "@fixture/start-info-recorder",
  version: "1.0.0",
  apiVersion: "^1.0.0",
  roles: ["agent"],
  hooks: ["agentLifecycle"],
  options: z.strictObject({}),
  register({ name, hooks }) {
    hooks.agentLifecycle?.started.tapPromise(name, async (agent) => {
      const facts = { hostname: agent.hostname, resources: agent.resources.toJSON(), attributes: agent.attributes };
      await writeFile(join(agent.workDir, "start-info.json"), JSON.stringify(facts));
    });
  },
});
