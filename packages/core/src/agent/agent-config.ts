import type { AttributeJson } from "../api/agent-protocol/common.js";
import type { Resources } from "../resources/index.js";
import type { RetryPolicy } from "./status-updates/status-update-manager.js";

/** Everything the agent runtime is told at start (resolved: resources parsed, port bound). */
export interface AgentConfig {
  masterUrl: string;
  workDir: string;
  /** Advertised address of the agent's HTTP server (for /files and operators). */
  hostname: string;
  port: number;
  resources: Resources;
  attributes: AttributeJson[];
  /** Run tasks as their framework's user (needs root; Mesos --switch_user). */
  switchUser: boolean;
  statusUpdateRetry?: RetryPolicy;
  registrationBackoff?: { initialMs: number; maxMs: number };
  /** How often the oversubscription hooks run (Mesos: 15 s). */
  oversubscriptionIntervalMs?: number;
}
