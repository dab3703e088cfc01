import { z } from "zod";
import { defineModule } from "../define-module.js";

// Another module that claims good-allocation's name.
export default defineModule({
  name: "@fixture/good-allocation",
  apiVersion: "^1.0.0",
  roles: ["master"],
  options: z.strictObject({}),
  register() {},
});
