import { z } from "zod";
import { defineModule } from "../define-module.js";

// Forgot `export default`.
export const module = defineModule({
  name: "@fixture/no-default",
  apiVersion: "^1.0.0",
  roles: ["master"],
  options: z.strictObject({}),
  register() {},
});
