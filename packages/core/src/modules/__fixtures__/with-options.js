import { z } from "zod";
import { defineModule } from "../define-module.js";

export default defineModule({
  name: "@fixture/with-options",
  apiVersion: "^1.0.0",
  roles: ["agent"],
  hooks: ["isolation"],
  options: z.strictObject({
    ephemeralPortsPerContainer: z.number().int(),
    mode: z.enum(["bridge", "host"]).default("bridge"),
  }),
  register({ name, hooks }) {
    hooks.isolation?.cleanup.tapPromise(name, async () => {});
  },
});
