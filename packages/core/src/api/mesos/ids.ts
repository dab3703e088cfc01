// Identifiers and small shared messages of mesos.v1 (include/mesos/v1/mesos.proto).
import { z } from "zod";
import { pBytes, pInt32, pInt64, pRepeated, pString } from "../proto-json.js";

export const FrameworkID = z.object({ value: pString() });
export type FrameworkID = z.infer<typeof FrameworkID>;
export const OfferID = z.object({ value: pString() });
export type OfferID = z.infer<typeof OfferID>;
export const AgentID = z.object({ value: pString() });
export type AgentID = z.infer<typeof AgentID>;
export const TaskID = z.object({ value: pString() });
export type TaskID = z.infer<typeof TaskID>;
export const ExecutorID = z.object({ value: pString() });
export type ExecutorID = z.infer<typeof ExecutorID>;
export const ResourceProviderID = z.object({ value: pString() });
export type ResourceProviderID = z.infer<typeof ResourceProviderID>;
export const OperationID = z.object({ value: pString() });
export type OperationID = z.infer<typeof OperationID>;

/** A nested container names its parent. */
export interface ContainerID {
  value: string;
  parent?: ContainerID | undefined;
}
export const ContainerID: z.ZodType<ContainerID> = z.object({
  value: pString(),
  get parent() {
    return ContainerID.optional();
  },
});

/** Nanoseconds since the epoch. */
export const TimeInfo = z.object({ nanoseconds: pInt64() });
export type TimeInfo = z.infer<typeof TimeInfo>;
export const DurationInfo = z.object({ nanoseconds: pInt64() });
export type DurationInfo = z.infer<typeof DurationInfo>;

/** `bytes value` holding the 16 raw bytes of a UUID (base64 in JSON). */
export const UUID = z.object({ value: pBytes() });
export type UUID = z.infer<typeof UUID>;

export const Label = z.object({ key: pString(), value: pString().optional() });
export type Label = z.infer<typeof Label>;
export const Labels = z.object({ labels: pRepeated(Label) });
export type Labels = z.infer<typeof Labels>;

export const Parameter = z.object({ key: pString(), value: pString() });
export type Parameter = z.infer<typeof Parameter>;
export const Parameters = z.object({ parameter: pRepeated(Parameter) });
export type Parameters = z.infer<typeof Parameters>;

export const Address = z.object({
  hostname: pString().optional(),
  ip: pString().optional(),
  port: pInt32(),
});
export type Address = z.infer<typeof Address>;

export const URL = z.object({
  scheme: pString(),
  address: Address,
  path: pString().optional(),
  query: pRepeated(Parameter),
  fragment: pString().optional(),
});
export type URL = z.infer<typeof URL>;
