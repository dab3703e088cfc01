// The stateful half of ACCEPT validation (Mesos master/validation.cpp offer, task and
// operation checks that need the master's state). The stateless half runs in parseSchedulerCall.
import type * as m from "../api/mesos/index.js";
import type { Accept } from "../api/scheduler/call.js";
import { acceptResources } from "../api/scheduler/validate-operations.js";
import { ResourceError, Resources } from "../resources/index.js";
import type { OfferRecord } from "./records.js";

/** A task that passed validation, with the resources it will hold (allocation role set). */
export interface PlannedTask {
  info: m.TaskInfo;
  resources: Resources;
  role: string;
  executor?: m.ExecutorInfo;
  /** The executor is not running on the agent yet: its resources are charged to this task. */
  newExecutor: boolean;
}

export type PlannedOperation =
  | { kind: "launch"; index: number; tasks: PlannedTask[] }
  | { kind: "launch_group"; index: number; executor: m.ExecutorInfo; newExecutor: boolean; tasks: PlannedTask[] }
  | { kind: "reserve" | "unreserve"; index: number; consumed: Resources; converted: Resources }
  /** Tasks that will not run: each gets an UPDATE with `state`. */
  | { kind: "drop_tasks"; index: number; tasks: m.TaskInfo[]; state: "TASK_ERROR"; reason: m.TaskStatusReason; message: string }
  /** A non-launch operation the master will not apply. */
  | { kind: "refused"; index: number; type: string; operationId?: string; message: string };

export interface AcceptPlan {
  operations: PlannedOperation[];
  /** What is left of the offers after all operations; recovered with the call's filters. */
  remaining: Resources;
}

export interface AcceptState {
  frameworkId: string;
  agentId: string;
  /** Whether the framework already has a live task with this id. */
  taskIdInUse(taskId: string): boolean;
  /** The framework's executor of this id already on the agent, if any. */
  existingExecutor(executorId: string): m.ExecutorInfo | undefined;
}

/** Why the offers of an ACCEPT cannot be used together; undefined when they can. */
export function offersProblem(
  frameworkId: string,
  offerIds: readonly string[],
  lookup: (id: string) => OfferRecord | undefined,
): string | undefined {
  if (offerIds.length === 0) return "accept.offer_ids: no offers given";
  let agentId: string | undefined;
  for (const [i, id] of offerIds.entries()) {
    const offer = lookup(id);
    if (!offer) return `accept.offer_ids[${i}]: offer ${JSON.stringify(id)} is no longer valid`;
    if (offer.frameworkId !== frameworkId) return `accept.offer_ids[${i}]: offer ${JSON.stringify(id)} belongs to another framework`;
    if (agentId !== undefined && offer.agentId !== agentId) {
      return `accept.offer_ids[${i}]: offer ${JSON.stringify(id)} is on agent ${offer.agentId}, the others on ${agentId}; offers of one ACCEPT must be from one agent`;
    }
    agentId = offer.agentId;
  }
  return undefined;
}

/** Every task an ACCEPT tries to launch (for dropping them all when the offers are invalid). */
export function tasksOf(accept: Accept): m.TaskInfo[] {
  const out: m.TaskInfo[] = [];
  for (const op of accept.operations ?? []) {
    if (op.type === "LAUNCH") out.push(...(op.launch?.task_infos ?? []));
    if (op.type === "LAUNCH_GROUP") out.push(...(op.launch_group?.task_group.tasks ?? []));
  }
  return out;
}

class Invalid extends Error {}

/** Reads framework-given resources; without allocation_info they take the offer's single role. */
function readResources(json: readonly m.Resource[] | undefined, at: string, offeredRoles: readonly string[]): Resources {
  let res: Resources;
  try {
    // The call's validation read these same arrays already: take its result.
    res = json === undefined ? Resources.empty() : acceptResources(json, at);
  } catch (e) {
    if (e instanceof ResourceError) throw new Invalid(e.message);
    throw e;
  }
  const unassigned = res.filter((e) => e.allocationRole === undefined);
  if (unassigned.isEmpty()) return res;
  if (offeredRoles.length !== 1) {
    throw new Invalid(`${at}: allocation_info.role must be set: the offers are for roles ${offeredRoles.join(", ")}`);
  }
  return res.filter((e) => e.allocationRole !== undefined).plus(unassigned.allocatedTo(offeredRoles[0]!));
}

function rolesOf(res: Resources): string[] {
  return [...new Set(res.entries().map((e) => e.allocationRole ?? ""))].filter((r) => r !== "");
}

function notContained(at: string, wanted: Resources, remaining: Resources): Invalid {
  return new Invalid(`${at}: ${wanted.toString()} is more than the offers have left (${remaining.toString() || "nothing"})`);
}

/**
 * Checks each operation in order against what is left of the offers, the way Mesos applies
 * them: a valid LAUNCH consumes its resources, an invalid task gets TASK_ERROR and consumes nothing.
 */
export function planAccept(accept: Accept, offers: readonly OfferRecord[], state: AcceptState): AcceptPlan {
  let remaining = offers.reduce((sum, o) => sum.plus(o.resources), Resources.empty());
  const offeredRoles = rolesOf(remaining).length > 0 ? rolesOf(remaining) : [...new Set(offers.map((o) => o.role))];
  const plannedIds = new Set<string>();
  const newExecutors = new Map<string, m.ExecutorInfo>();
  const operations: PlannedOperation[] = [];

  const planTask = (task: m.TaskInfo, at: string, executor: m.ExecutorInfo | undefined, executorAt: string): PlannedTask => {
    const id = task.task_id.value;
    if (state.taskIdInUse(id) || plannedIds.has(id)) throw new Invalid(`${at}.task_id: task ${JSON.stringify(id)} is already in use by this framework`);
    if (task.agent_id.value !== state.agentId) {
      throw new Invalid(`${at}.agent_id: task is for agent ${JSON.stringify(task.agent_id.value)} but the offers are from ${JSON.stringify(state.agentId)}`);
    }
    let resources = readResources(task.resources, `${at}.resources`, offeredRoles);
    if (resources.isEmpty()) throw new Invalid(`${at}.resources: a task must use some resources`);
    let newExecutor = false;
    if (executor) {
      const eid = executor.executor_id.value;
      const existing = state.existingExecutor(eid) ?? newExecutors.get(eid);
      if (!existing) {
        newExecutor = true;
        resources = resources.plus(readResources(executor.resources, `${executorAt}.resources`, offeredRoles));
      }
    }
    const roles = rolesOf(resources);
    const role = roles[0] ?? offeredRoles[0] ?? "*";
    if (roles.length > 1) throw new Invalid(`${at}.resources: a task's resources must all be allocated to one role`);
    return { info: task, resources, role, ...(executor ? { executor } : {}), newExecutor };
  };

  (accept.operations ?? []).forEach((op, index) => {
    const opAt = `accept.operations[${index}]`;
    switch (op.type) {
      case "LAUNCH":
        (op.launch?.task_infos ?? []).forEach((task, j) => {
          const at = `${opAt}.launch.task_infos[${j}]`;
          try {
            const planned = planTask(task, at, task.executor, `${at}.executor`);
            if (!remaining.contains(planned.resources)) throw notContained(`${at}.resources`, planned.resources, remaining);
            remaining = remaining.minus(planned.resources);
            plannedIds.add(task.task_id.value);
            if (planned.newExecutor && planned.executor) newExecutors.set(planned.executor.executor_id.value, planned.executor);
            operations.push({ kind: "launch", index, tasks: [planned] });
          } catch (e) {
            if (!(e instanceof Invalid)) throw e;
            operations.push({ kind: "drop_tasks", index, tasks: [task], state: "TASK_ERROR", reason: "REASON_TASK_INVALID", message: e.message });
          }
        });
        break;
      case "LAUNCH_GROUP": {
        const group = op.launch_group!;
        const at = `${opAt}.launch_group`;
        const tasks = group.task_group.tasks ?? [];
        try {
          // The group's executor is charged once, with the first task.
          const planned = tasks.map((t, j) => planTask(t, `${at}.task_group.tasks[${j}]`, j === 0 ? group.executor : undefined, `${at}.executor`));
          const eid = group.executor.executor_id.value;
          const executorKnown = state.existingExecutor(eid) !== undefined || newExecutors.has(eid);
          const total = planned.reduce((s, t) => s.plus(t.resources), Resources.empty());
          if (!remaining.contains(total)) throw notContained(at, total, remaining);
          remaining = remaining.minus(total);
          for (const t of tasks) plannedIds.add(t.task_id.value);
          if (!executorKnown) newExecutors.set(eid, group.executor);
          const withExecutor = planned.map((t) => ({ ...t, executor: group.executor }));
          operations.push({ kind: "launch_group", index, executor: group.executor, newExecutor: !executorKnown, tasks: withExecutor });
        } catch (e) {
          if (!(e instanceof Invalid)) throw e;
          operations.push({ kind: "drop_tasks", index, tasks, state: "TASK_ERROR", reason: "REASON_TASK_GROUP_INVALID", message: e.message });
        }
        break;
      }
      case "RESERVE":
      case "UNRESERVE": {
        const reserve = op.type === "RESERVE";
        const at = reserve ? `${opAt}.reserve.resources` : `${opAt}.unreserve.resources`;
        try {
          const given = readResources(reserve ? op.reserve?.resources : op.unreserve?.resources, at, offeredRoles);
          if (given.isEmpty()) throw new Invalid(`${at}: nothing to ${reserve ? "reserve" : "unreserve"}`);
          let consumed: Resources;
          let converted: Resources;
          try {
            consumed = reserve ? given.popReservation() : given;
            converted = reserve ? given : given.popReservation();
          } catch (e) {
            if (e instanceof ResourceError) throw new Invalid(`${at}: ${e.message}`);
            throw e;
          }
          if (reserve && given.entries().some((e) => e.reservations.at(-1)?.type !== "DYNAMIC")) {
            throw new Invalid(`${at}: RESERVE needs a DYNAMIC reservation on top of each resource`);
          }
          if (!remaining.contains(consumed)) throw notContained(at, consumed, remaining);
          remaining = remaining.minus(consumed).plus(converted);
          operations.push({ kind: reserve ? "reserve" : "unreserve", index, consumed, converted });
        } catch (e) {
          if (!(e instanceof Invalid)) throw e;
          operations.push({ kind: "refused", index, type: op.type, ...(op.id ? { operationId: op.id.value } : {}), message: e.message });
        }
        break;
      }
      default:
        operations.push({
          kind: "refused",
          index,
          type: op.type ?? "UNKNOWN",
          ...(op.id ? { operationId: op.id.value } : {}),
          message: `${opAt}: ${op.type} is not supported by this master yet (persistent volumes and disk operations need a resource provider)`,
        });
    }
  });
  return { operations, remaining };
}
