import { z } from "zod";
import { defineModule } from "../define-module.js";

export default defineModule({
  name: "@fixture/agent-only",
  apiVersion: "^1.0.0",
  roles: ["agent"],
  options: z.strictObject({}),
  register() {},
});
