// OfferConstraints of scheduler.proto: per-role attribute predicates a framework subscribes with.
import { z } from "zod";
import { pEnumLenient, pMap, pRepeated, pString } from "../proto-json.js";

export const PSEUDOATTRIBUTE_TYPES = ["UNKNOWN", "HOSTNAME", "REGION", "ZONE"] as const;

export const AttributeConstraint = z.object({
  selector: z.object({
    pseudoattribute_type: pEnumLenient(PSEUDOATTRIBUTE_TYPES),
    attribute_name: pString().optional(),
  }),
  predicate: z.object({
    exists: z.object({}).optional(),
    not_exists: z.object({}).optional(),
    text_equals: z.object({ value: pString() }).optional(),
    text_not_equals: z.object({ value: pString() }).optional(),
    text_matches: z.object({ regex: pString() }).optional(),
    text_not_matches: z.object({ regex: pString() }).optional(),
  }),
});
export type AttributeConstraint = z.infer<typeof AttributeConstraint>;

export const OfferConstraints = z.object({
  role_constraints: pMap(
    z.object({ groups: pRepeated(z.object({ attribute_constraints: pRepeated(AttributeConstraint) })) }),
  ),
});
export type OfferConstraints = z.infer<typeof OfferConstraints>;
