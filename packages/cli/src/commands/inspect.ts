import type { Command } from "commander";
import { OperatorClient } from "@tessera/sdk";
import type { Io } from "../context.js";
import { formatTable } from "../table.js";

// Read-only views of the master's operator endpoints, in the shape Mesos' /master/state gives.

type ResourceMap = Record<string, number | string | undefined>;

interface AgentState {
  id: string;
  hostname?: string;
  pid?: string;
  port?: number;
  active?: boolean;
  resources?: ResourceMap;
  used_resources?: ResourceMap;
  attributes?: Record<string, string | number>;
}

interface TaskState {
  id: string;
  name?: string;
  framework_id?: string;
  slave_id?: string;
  agent_id?: string;
  state?: string;
  resources?: ResourceMap;
}

interface FrameworkState {
  id: string;
  name?: string;
  active?: boolean;
  role?: string;
  roles?: string[];
  used_resources?: ResourceMap;
  tasks?: TaskState[];
  completed_tasks?: TaskState[];
  unreachable_tasks?: TaskState[];
}

interface MasterState {
  version?: string;
  leader?: string;
  hostname?: string;
  start_time?: number;
  activated_slaves?: number;
  slaves?: AgentState[];
  frameworks?: FrameworkState[];
  completed_frameworks?: FrameworkState[];
}

export function registerInspectCommands(program: Command, io: Io, master: () => string): void {
  const client = (): OperatorClient => new OperatorClient(master());
  const json = (value: unknown): void => void io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  const state = (): Promise<MasterState> => client().getJson<MasterState>("/master/state");

  program
    .command("state")
    .description("summary of the cluster: leader, agents, frameworks, tasks by state, resources")
    .option("--json", "print the master's /master/state as JSON")
    .action(async (opts: { json?: boolean }) => {
      const s = await state();
      if (opts.json) return json(s);
      io.stdout.write(formatSummary(s));
    });

  program
    .command("agents")
    .description("agents and their resources (used / total)")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }) => {
      const agents = (await state()).slaves ?? [];
      if (opts.json) return json(agents);
      io.stdout.write(
        formatTable(
          [
            { header: "ID", get: (a) => a.id },
            { header: "HOSTNAME", get: (a) => a.hostname },
            { header: "ACTIVE", get: (a) => (a.active === false ? "no" : "yes") },
            { header: "CPUS", get: (a) => usedOf(a, "cpus"), align: "right" },
            { header: "MEM", get: (a) => usedOf(a, "mem"), align: "right" },
            { header: "DISK", get: (a) => usedOf(a, "disk"), align: "right" },
            { header: "PORTS", get: (a) => a.resources?.ports },
            { header: "ATTRIBUTES", get: (a) => formatAttributes(a.attributes) },
          ],
          agents,
        ),
      );
    });

  program
    .command("frameworks")
    .description("registered frameworks")
    .option("--all", "include completed frameworks")
    .option("--json", "print JSON")
    .action(async (opts: { all?: boolean; json?: boolean }) => {
      const s = await state();
      const list = [...(s.frameworks ?? []), ...(opts.all ? (s.completed_frameworks ?? []) : [])];
      if (opts.json) return json(list);
      io.stdout.write(
        formatTable(
          [
            { header: "ID", get: (f) => f.id },
            { header: "NAME", get: (f) => f.name },
            { header: "ACTIVE", get: (f) => (f.active === false ? "no" : "yes") },
            { header: "ROLES", get: (f) => (f.roles?.length ? f.roles.join(",") : f.role) },
            { header: "TASKS", get: (f) => f.tasks?.length ?? 0, align: "right" },
            { header: "CPUS", get: (f) => num(f.used_resources?.cpus), align: "right" },
            { header: "MEM", get: (f) => num(f.used_resources?.mem), align: "right" },
          ],
          list,
        ),
      );
    });

  program
    .command("tasks")
    .description("tasks of all frameworks, running first, then finished")
    .option("--active", "only tasks that have not ended")
    .option("--json", "print JSON")
    .action(async (opts: { active?: boolean; json?: boolean }) => {
      const s = await state();
      const frameworks = [...(s.frameworks ?? []), ...(s.completed_frameworks ?? [])];
      const names = new Map(frameworks.map((f) => [f.id, f.name ?? f.id]));
      const tasks = [
        ...frameworks.flatMap((f) => [...(f.tasks ?? []), ...(f.unreachable_tasks ?? [])]),
        ...(opts.active ? [] : frameworks.flatMap((f) => f.completed_tasks ?? [])),
      ];
      if (opts.json) return json(tasks);
      io.stdout.write(
        formatTable(
          [
            { header: "ID", get: (t) => t.id },
            { header: "NAME", get: (t) => t.name },
            { header: "STATE", get: (t) => t.state },
            { header: "FRAMEWORK", get: (t) => names.get(t.framework_id ?? "") ?? t.framework_id },
            { header: "AGENT", get: (t) => t.slave_id ?? t.agent_id },
            { header: "CPUS", get: (t) => num(t.resources?.cpus), align: "right" },
            { header: "MEM", get: (t) => num(t.resources?.mem), align: "right" },
          ],
          tasks,
        ),
      );
    });

  program
    .command("modules")
    .description("modules loaded by the master (and what they are enabled for)")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }) => {
      const body = await client().getJson<unknown>("/modules");
      if (opts.json) return json(body);
      const list = moduleList(body);
      if (list.length === 0) {
        io.stdout.write("no modules loaded (list them in a config file: tessera master --config FILE)\n");
      } else {
        io.stdout.write(
          formatTable(
            [
              { header: "NAME", get: (m) => m.name },
              { header: "VERSION", get: (m) => m.version },
              { header: "API", get: (m) => m.apiVersion },
              { header: "ROLES", get: (m) => m.roles?.join(",") },
              { header: "ENABLED FOR", get: (m) => enabledFor(m) },
            ],
            list,
          ),
        );
      }
      for (const w of moduleWarnings(body)) io.stdout.write(`warning: ${w}\n`);
    });
}

interface ModuleRow {
  name: string;
  version?: string;
  apiVersion?: string;
  roles?: string[];
  enabled_for?: string[];
}

/** `/modules` answers `{ modules: [...], warnings: [...] }` (a bare list is accepted too). */
function moduleList(body: unknown): ModuleRow[] {
  const list = Array.isArray(body) ? body : ((body as { modules?: unknown[] })?.modules ?? []);
  return list as ModuleRow[];
}

function moduleWarnings(body: unknown): string[] {
  return Array.isArray(body) ? [] : ((body as { warnings?: string[] })?.warnings ?? []);
}

// A module loaded but enabled for nothing is a classic misconfiguration: say so in the table.
function enabledFor(m: ModuleRow): string {
  return m.enabled_for?.length ? m.enabled_for.join(",") : "nothing";
}

function formatSummary(s: MasterState): string {
  const agents = s.slaves ?? [];
  const frameworks = s.frameworks ?? [];
  const byState = new Map<string, number>();
  for (const f of [...frameworks, ...(s.completed_frameworks ?? [])]) {
    for (const t of [...(f.tasks ?? []), ...(f.completed_tasks ?? []), ...(f.unreachable_tasks ?? [])]) {
      byState.set(t.state ?? "?", (byState.get(t.state ?? "?") ?? 0) + 1);
    }
  }
  const total = (key: "resources" | "used_resources", name: string): number =>
    agents.reduce((sum, a) => sum + (typeof a[key]?.[name] === "number" ? (a[key]![name] as number) : 0), 0);
  const rows: [string, string][] = [
    ["leader", s.leader ?? s.hostname ?? "-"],
    ["version", s.version ?? "-"],
    ["agents", `${agents.filter((a) => a.active !== false).length} active of ${agents.length}`],
    ["frameworks", `${frameworks.filter((f) => f.active !== false).length} active of ${frameworks.length}`],
    ["tasks", byState.size ? [...byState].map(([st, n]) => `${st.replace(/^TASK_/, "").toLowerCase()} ${n}`).join(", ") : "none"],
    ...["cpus", "mem", "disk"].map((r): [string, string] => [r, `${num(total("used_resources", r))} used of ${num(total("resources", r))}`]),
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join("\n") + "\n";
}

function usedOf(a: AgentState, name: string): string {
  const total = a.resources?.[name];
  if (total === undefined) return "-";
  return `${num(a.used_resources?.[name] ?? 0)}/${num(total)}`;
}

function num(v: number | string | undefined): string {
  if (v === undefined) return "0";
  return typeof v === "number" ? String(Math.round(v * 1000) / 1000) : v;
}

function formatAttributes(attrs: Record<string, string | number> | undefined): string {
  return attrs && Object.keys(attrs).length ? Object.entries(attrs).map(([k, v]) => `${k}:${v}`).join(";") : "-";
}
