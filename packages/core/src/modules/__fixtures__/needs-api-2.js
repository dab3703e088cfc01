import { z } from "zod";
import { defineModule } from "../define-module.js";

export default defineModule({
  name: "@acme/isolator-gpu",
  apiVersion: "^2.0.0",
  roles: ["agent"],
  options: z.strictObject({}),
  register() {},
});
