// Public API of @acme/tessera-veto-attribute: a Tessera module that keeps offers away from
// agents carrying an attribute (e.g. maintenance=true). Written only against @tessera/core.
import { defineModule, moduleOptionsJsonSchema, z } from "@tessera/core";
import { AttributeVeto } from "./attribute-veto.js";

export { AttributeVeto, type AttributeVetoOptions } from "./attribute-veto.js";

export const NAME = "@acme/tessera-veto-attribute";

export const VetoAttributeOptions = z.strictObject({
  attribute: z.string().min(1),
  value: z.union([z.string(), z.number()]).optional(),
  reason: z.string().min(1).optional(),
});

const vetoAttributeModule = defineModule({
  name: NAME,
  apiVersion: "^1.0.0",
  roles: ["master"],
  hooks: ["allocation"],
  options: VetoAttributeOptions,
  register({ hooks, options, log }) {
    const veto = new AttributeVeto(options);
    // Early stage: a vetoed offer need not reach the other policies.
    hooks.allocation?.filterOffer.tap({ name: NAME, stage: -10 }, (candidate) => veto.check(candidate));
    log.info({ attribute: options.attribute, value: options.value }, "vetoing offers from agents with this attribute");
  },
});

export default vetoAttributeModule;

/** JSON Schema of this module's options, for config editors and `GET /modules`. */
export const optionsJsonSchema = moduleOptionsJsonSchema(vetoAttributeModule);
