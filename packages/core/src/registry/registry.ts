import type { z } from "zod";
import type { AgentInfo } from "../api/agent-protocol/common.js";
import type * as m from "../api/mesos/index.js";
import type { MasterRegistry, RecoveredState } from "../master/registry-port.js";
import { parseStoredJson } from "../modules/zod-issues.js";
import { RegistryCorruptError, RegistryError } from "./errors.js";
import { PrefixedStorage } from "./prefixed-storage.js";
import { AgentRecordSchema, FrameworkRecordSchema, type AgentRecord, type FrameworkRecord } from "./records.js";
import type { Storage } from "./storage.js";

const AGENTS = "agents/";
const FRAMEWORKS = "frameworks/";
const MODULES = "modules/";

export interface RegistryOptions {
  /** Clock for the times recorded (ms since the epoch); tests pass a fake one. */
  now?: () => number;
}

interface Read<T> {
  record: T;
  version: number;
}

/**
 * The master's durable state: admitted agents (and which are unreachable or gone) and registered
 * frameworks, one key each, over any Storage. Every write is a compare-and-swap on the version it
 * read, so a second master writing the same store (a stale leader) fails loudly instead of
 * overwriting; operations run one at a time, as Mesos's registrar applies them in order.
 */
export class Registry implements MasterRegistry {
  private readonly now: () => number;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly storage: Storage,
    options: RegistryOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Loads everything at start-up; a corrupt value rejects with RegistryCorruptError naming its key. */
  recover(): Promise<RecoveredState> {
    return this.serial(async () => {
      const state: RecoveredState = { agents: [], unreachable: [], gone: [], frameworks: [] };
      for (const a of await this.listAgents()) {
        if (a.state === "admitted") state.agents.push({ id: a.id, info: a.info });
        else if (a.state === "unreachable") state.unreachable.push({ id: a.id, info: a.info, since: a.unreachableSince ?? a.admittedAt });
        else state.gone.push(a.id);
      }
      for (const f of await this.listFrameworks()) state.frameworks.push({ id: f.id, info: f.info });
      return state;
    });
  }

  /** Every agent record, ordered by id. */
  agents(): Promise<AgentRecord[]> {
    return this.serial(() => this.listAgents());
  }

  /** Every framework record, ordered by id. */
  frameworks(): Promise<FrameworkRecord[]> {
    return this.serial(() => this.listFrameworks());
  }

  async agent(id: string): Promise<AgentRecord | undefined> {
    return (await this.serial(() => this.readAgent(id)))?.record;
  }

  async framework(id: string): Promise<FrameworkRecord | undefined> {
    return (await this.serial(() => this.readFramework(id)))?.record;
  }

  /** Admits an agent (again: a retry after a crash updates its info). Refused once it is gone. */
  admitAgent(id: string, info: AgentInfo): Promise<void> {
    return this.serial(async () => {
      const cur = await this.readAgent(id);
      if (cur?.record.state === "gone") throw this.goneError("admitAgent", cur.record);
      const record: AgentRecord = { id, hostname: info.hostname, info, state: "admitted", admittedAt: cur?.record.admittedAt ?? this.now() };
      await this.storage.put(agentKey(id), JSON.stringify(record), cur?.version ?? 0);
    });
  }

  /** The master lost the agent; it may come back (markReachable) until it is removed or gone. */
  markUnreachable(id: string, sinceMs: number): Promise<void> {
    return this.serial(async () => {
      const cur = await this.mustReadAgent("markUnreachable", id);
      if (cur.record.state === "gone") throw this.goneError("markUnreachable", cur.record);
      if (cur.record.state === "unreachable") return;
      const record: AgentRecord = { ...cur.record, state: "unreachable", unreachableSince: sinceMs };
      await this.storage.put(agentKey(id), JSON.stringify(record), cur.version);
    });
  }

  /** An unreachable agent re-registered (with possibly new info). */
  markReachable(id: string, info: AgentInfo): Promise<void> {
    return this.serial(async () => {
      const cur = await this.readAgent(id);
      if (cur?.record.state === "gone") throw this.goneError("markReachable", cur.record);
      const record: AgentRecord = {
        id,
        hostname: info.hostname,
        info,
        state: "admitted",
        admittedAt: cur?.record.admittedAt ?? this.now(),
      };
      await this.storage.put(agentKey(id), JSON.stringify(record), cur?.version ?? 0);
    });
  }

  /** The agent must never come back (operator MARK_AGENT_GONE). */
  markGone(id: string): Promise<void> {
    return this.serial(async () => {
      const cur = await this.mustReadAgent("markGone", id);
      if (cur.record.state === "gone") return;
      const { unreachableSince: _, ...rest } = cur.record;
      const record: AgentRecord = { ...rest, state: "gone", goneAt: this.now() };
      await this.storage.put(agentKey(id), JSON.stringify(record), cur.version);
    });
  }

  /** Forgets the agent entirely (it unregistered, or was garbage-collected); it may register anew. */
  removeAgent(id: string): Promise<void> {
    return this.serial(async () => {
      const cur = await this.readAgent(id);
      if (cur) await this.storage.delete(agentKey(id), cur.version);
    });
  }

  /** Registers a framework, or re-registers it after a failover keeping its first registration time. */
  addFramework(id: string, info: m.FrameworkInfo): Promise<void> {
    return this.serial(async () => {
      const cur = await this.readFramework(id);
      const now = this.now();
      const record: FrameworkRecord = {
        id,
        info,
        registeredAt: cur?.record.registeredAt ?? now,
        ...(cur ? { updatedAt: now } : {}),
        failoverTimeoutMs: failoverMs(info),
      };
      await this.storage.put(frameworkKey(id), JSON.stringify(record), cur?.version ?? 0);
    });
  }

  /** New FrameworkInfo for a registered framework (UPDATE_FRAMEWORK). */
  updateFramework(id: string, info: m.FrameworkInfo): Promise<void> {
    return this.serial(async () => {
      const cur = await this.readFramework(id);
      if (!cur) throw new RegistryError(`registry: updateFramework: framework "${id}" is not registered`);
      const record: FrameworkRecord = { ...cur.record, info, updatedAt: this.now(), failoverTimeoutMs: failoverMs(info) };
      await this.storage.put(frameworkKey(id), JSON.stringify(record), cur.version);
    });
  }

  removeFramework(id: string): Promise<void> {
    return this.serial(async () => {
      const cur = await this.readFramework(id);
      if (cur) await this.storage.delete(frameworkKey(id), cur.version);
    });
  }

  /**
   * A module's own durable state (e.g. license seats held), under `modules/<name>/`: the module sees
   * only its own keys and cannot touch the master's or another module's.
   */
  moduleState(moduleName: string): Storage {
    if (typeof moduleName !== "string" || moduleName === "") throw new TypeError("registry: moduleState needs a module name");
    // Encoded, so "@scope/a" and "@scope/a/b" can never share a prefix.
    return new PrefixedStorage(this.storage, `${MODULES}${encodeURIComponent(moduleName)}/`);
  }

  async close(): Promise<void> {
    await this.tail.catch(() => undefined);
    await this.storage.close();
  }

  // Runs `fn` after every operation queued before it; a failure rejects only its own caller.
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn, fn);
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async listAgents(): Promise<AgentRecord[]> {
    const entries = await this.storage.list(AGENTS);
    return entries.map((e) => decode(e.key, e.value, AgentRecordSchema));
  }

  private async listFrameworks(): Promise<FrameworkRecord[]> {
    const entries = await this.storage.list(FRAMEWORKS);
    return entries.map((e) => decode(e.key, e.value, FrameworkRecordSchema));
  }

  private async readAgent(id: string): Promise<Read<AgentRecord> | undefined> {
    const key = agentKey(id);
    const v = await this.storage.get(key);
    return v && { record: decode(key, v.value, AgentRecordSchema), version: v.version };
  }

  private async mustReadAgent(op: string, id: string): Promise<Read<AgentRecord>> {
    const cur = await this.readAgent(id);
    if (!cur) throw new RegistryError(`registry: ${op}: agent "${id}" is not in the registry`);
    return cur;
  }

  private async readFramework(id: string): Promise<Read<FrameworkRecord> | undefined> {
    const key = frameworkKey(id);
    const v = await this.storage.get(key);
    return v && { record: decode(key, v.value, FrameworkRecordSchema), version: v.version };
  }

  private goneError(op: string, a: AgentRecord): RegistryError {
    const when = a.goneAt === undefined ? "" : ` at ${new Date(a.goneAt).toISOString()}`;
    return new RegistryError(`registry: ${op}: agent "${a.id}" was marked gone${when} and may not come back`);
  }
}

function agentKey(id: string): string {
  if (typeof id !== "string" || id === "") throw new TypeError("registry: agent id must be a non-empty string");
  return AGENTS + id;
}

function frameworkKey(id: string): string {
  if (typeof id !== "string" || id === "") throw new TypeError("registry: framework id must be a non-empty string");
  return FRAMEWORKS + id;
}

function failoverMs(info: m.FrameworkInfo): number {
  const s = info.failover_timeout;
  return typeof s === "number" && Number.isFinite(s) && s > 0 ? Math.round(s * 1000) : 0;
}

function decode<S extends z.ZodType>(key: string, text: string, schema: S): z.output<S> {
  return parseStoredJson(text, schema, (problem) => new RegistryCorruptError(key, problem));
}
