// An agent module for tests: an isolator that adds one environment variable to every task.
import { z } from "zod";
import { defineModule } from "../../modules/define-module.js";

export default defineModule({
  name: "@fixture/env-isolator",
  version: "1.2.3",
  apiVersion: "^1.0.0",
  roles: ["agent"],
  hooks: ["isolation"],
  options: z.strictObject({ name: z.string(), value: z.string() }),
  register({ name, hooks, options }) {
    hooks.isolation?.prepare.tapPromise(name, async (plan) => ({ ...plan, env: { ...plan.env, [options.name]: options.value } }));
  },
});
