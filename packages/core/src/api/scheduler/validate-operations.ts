// Stateless checks of ACCEPT's offer operations (master/validation.cpp task, group and offer
// validation, the parts that need no master state). Resource semantics come from the Resources class.
import { ResourceError, Resources } from "../../resources/index.js";
import { ApiError } from "../api-error.js";
import type * as m from "../mesos/index.js";
import { OFFER_OPERATION_BODY } from "../mesos/index.js";
import { fieldError, formatPath, type PathSegment } from "../proto-json.js";
import { idProblem } from "../validation/ids.js";
import type { Accept } from "./call.js";

// ACCEPT's resources are read twice: here, where malformed ones fail the call with a 400, and when
// the master plans the launch against the offers. The plan takes this read's result: the JSON
// arrays are the same objects and Resources values are immutable. (fromJSON was ~1.7 µs a task.)
const parsedResources = new WeakMap<readonly m.Resource[], Resources>();

/** Resources.fromJSON, answered from the call's validation when it already read this very array. */
export function acceptResources(json: readonly m.Resource[], at: string): Resources {
  let res = parsedResources.get(json);
  if (res === undefined) parsedResources.set(json, (res = Resources.fromJSON(json, at)));
  return res;
}

function checkResources(resources: readonly m.Resource[] | undefined, at: readonly PathSegment[] | string): void {
  if (resources === undefined) return;
  try {
    acceptResources(resources, typeof at === "string" ? at : formatPath(at));
  } catch (e) {
    if (e instanceof ResourceError) throw new ApiError(e.message);
    throw e;
  }
}

function checkId(id: { value: string }, at: readonly PathSegment[]): void {
  const problem = idProblem(id.value);
  if (problem) throw fieldError([...at, "value"], problem);
}

function checkKillPolicy(policy: m.KillPolicy | undefined, at: readonly PathSegment[]): void {
  const ns = policy?.grace_period?.nanoseconds;
  if (ns !== undefined && ns < 0) throw fieldError([...at, "grace_period", "nanoseconds"], `must not be negative, got ${ns}`);
}

function checkExecutor(executor: m.ExecutorInfo, at: readonly PathSegment[]): void {
  checkId(executor.executor_id, [...at, "executor_id"]);
  checkResources(executor.resources, [...at, "resources"]);
}

/**
 * `at` is kept as given and formatted only for a message (a launch checks hundreds of tasks);
 * `listAt` is the formatted path of the task list `at` indexes into.
 */
function checkTask(task: m.TaskInfo, at: readonly PathSegment[], listAt: string, taskIds: Map<string, readonly PathSegment[]>): void {
  const problem = idProblem(task.task_id.value);
  if (problem) throw fieldError([...at, "task_id", "value"], problem);
  const earlier = taskIds.get(task.task_id.value);
  if (earlier !== undefined) {
    throw fieldError([...at, "task_id", "value"], `duplicate task ID ${JSON.stringify(task.task_id.value)}, also used at ${formatPath(earlier)}`);
  }
  taskIds.set(task.task_id.value, at);
  if (task.resources !== undefined) checkResources(task.resources, `${listAt}[${at.at(-1) as number}].resources`);
  if (task.kill_policy !== undefined) checkKillPolicy(task.kill_policy, [...at, "kill_policy"]);
}

export function validateAccept(accept: Accept, at: readonly PathSegment[]): void {
  const offers = new Map<string, number>();
  (accept.offer_ids ?? []).forEach((id, i) => {
    const first = offers.get(id.value);
    if (first !== undefined) {
      throw fieldError([...at, "offer_ids", i], `duplicate offer ID ${JSON.stringify(id.value)}, also at offer_ids[${first}]`);
    }
    offers.set(id.value, i);
  });

  const taskIds = new Map<string, readonly PathSegment[]>();
  (accept.operations ?? []).forEach((op, i) => {
    const opAt = [...at, "operations", i];
    if (op.type === undefined) throw fieldError([...opAt, "type"], "required field missing");
    const bodyKey = OFFER_OPERATION_BODY[op.type];
    if (bodyKey === undefined) throw fieldError([...opAt, "type"], "UNKNOWN is not an operation");
    const body = op[bodyKey];
    if (body === undefined) throw fieldError(opAt, `type ${op.type} needs field ${bodyKey}`);

    switch (op.type) {
      case "LAUNCH": {
        const listAt = formatPath([...opAt, "launch", "task_infos"]);
        (op.launch?.task_infos ?? []).forEach((task, j) => {
          const taskAt = [...opAt, "launch", "task_infos", j];
          if ((task.command === undefined) === (task.executor === undefined)) {
            throw fieldError(taskAt, "needs exactly one of command or executor");
          }
          checkTask(task, taskAt, listAt, taskIds);
          if (task.executor) checkExecutor(task.executor, [...taskAt, "executor"]);
        });
        break;
      }
      case "LAUNCH_GROUP": {
        const group = op.launch_group!;
        const groupAt = [...opAt, "launch_group"];
        checkExecutor(group.executor, [...groupAt, "executor"]);
        const tasks = group.task_group.tasks ?? [];
        const listAt = formatPath([...groupAt, "task_group", "tasks"]);
        if (tasks.length === 0) throw fieldError([...groupAt, "task_group", "tasks"], "a task group needs at least one task");
        tasks.forEach((task, j) => {
          const taskAt = [...groupAt, "task_group", "tasks", j];
          if (task.executor !== undefined) {
            throw fieldError([...taskAt, "executor"], "must not be set: the group's executor runs every task");
          }
          checkTask(task, taskAt, listAt, taskIds);
        });
        break;
      }
      case "RESERVE":
        checkResources(op.reserve?.source, [...opAt, "reserve", "source"]);
        checkResources(op.reserve?.resources, [...opAt, "reserve", "resources"]);
        break;
      case "UNRESERVE":
        checkResources(op.unreserve?.resources, [...opAt, "unreserve", "resources"]);
        break;
      case "CREATE":
        checkResources(op.create?.volumes, [...opAt, "create", "volumes"]);
        break;
      case "DESTROY":
        checkResources(op.destroy?.volumes, [...opAt, "destroy", "volumes"]);
        break;
      default:
        break;
    }
  });
}
