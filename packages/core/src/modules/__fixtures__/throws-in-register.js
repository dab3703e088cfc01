import { z } from "zod";
import { defineModule } from "../define-module.js";

export default defineModule({
  name: "@fixture/throws",
  apiVersion: "^1.0.0",
  roles: ["master"],
  options: z.strictObject({}),
  register({ name, hooks }) {
    hooks.allocation?.sortFrameworks.tap(name, (ids) => ids);
    throw new Error("cannot reach license server at 10.0.0.9:7000");
  },
});
