import { z } from "zod";
import { defineModule } from "../../../define-module.js";

export default defineModule({
  name: "@fixture/good-module",
  apiVersion: ">=1.0.0 <2",
  roles: ["master", "agent"],
  hooks: ["masterLifecycle", "agentLifecycle"],
  options: z.strictObject({}),
  register({ name, hooks }) {
    hooks.masterLifecycle?.agentRegistered.tap(name, () => {});
    hooks.agentLifecycle?.taskLaunched.tap(name, () => {});
  },
});
