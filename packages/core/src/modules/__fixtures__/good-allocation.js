import { z } from "zod";
import { defineModule } from "../define-module.js";

export const SERVICE = "good-allocation.service";
/** The child container the last register got, so tests can check it was disposed. */
export const seen = { container: undefined };

export default defineModule({
  name: "@fixture/good-allocation",
  version: "1.2.0",
  apiVersion: "^1.0.0",
  roles: ["master"],
  hooks: ["allocation"],
  options: z.strictObject({ reason: z.string().default("vetoed by fixture") }),
  register({ name, hooks, options, container }) {
    seen.container = container;
    container.registerInstance(SERVICE, { reason: options.reason });
    hooks.allocation?.filterOffer.tap(name, () => options.reason);
    hooks.allocation?.accepted.tap({ name, stage: -5 }, () => {});
  },
});
