// What the registry stores, validated whenever it is read back: a stored value is untrusted input.
import { z } from "zod";
import { AgentInfoSchema } from "../api/agent-protocol/common.js";
import { FrameworkInfo } from "../api/mesos/framework.js";

export const AGENT_STATES = ["admitted", "unreachable", "gone"] as const;
export type AgentRegistryState = (typeof AGENT_STATES)[number];

/** An agent the master admitted, with what became of it; times are ms since the epoch. */
export const AgentRecordSchema = z.object({
  id: z.string().min(1),
  hostname: z.string(),
  info: AgentInfoSchema,
  state: z.enum(AGENT_STATES),
  admittedAt: z.number(),
  /** Set while unreachable: when the master lost it. */
  unreachableSince: z.number().optional(),
  /** Set once gone: it may never register again. */
  goneAt: z.number().optional(),
});
export type AgentRecord = z.infer<typeof AgentRecordSchema>;

/** A framework the master registered; it survives a master failover until its failover timeout. */
export const FrameworkRecordSchema = z.object({
  id: z.string().min(1),
  info: FrameworkInfo,
  registeredAt: z.number(),
  /** When `info` last changed (re-subscription, UPDATE_FRAMEWORK). */
  updatedAt: z.number().optional(),
  /** FrameworkInfo.failover_timeout in ms (0 when unset, as in Mesos). */
  failoverTimeoutMs: z.number().min(0),
});
export type FrameworkRecord = z.infer<typeof FrameworkRecordSchema>;
