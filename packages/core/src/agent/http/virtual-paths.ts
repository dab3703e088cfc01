import { HttpError } from "./http-error.js";

/** Where a /files path points: a container's sandbox and a path inside it. */
export interface SandboxTarget {
  sandbox: string;
  /** Relative to the sandbox, "" for the sandbox itself; never absolute, never with "..". */
  relative: string;
}

/** A container the agent can serve files of. */
export interface SandboxEntry {
  frameworkId: string;
  executorId: string;
  containerId: string;
  taskId: string;
  sandbox: string;
}

/**
 * Maps a /files `path` to a sandbox. Two forms (Mesos's virtual path, and one addressed by task):
 *   /frameworks/<fid>/executors/<eid>/runs/<cid|latest>[/<file>...]
 *   /tasks/<task id>[/<file>...]            (the task's latest container)
 * `entries` lists every known container, oldest first.
 */
export function resolveFilesPath(path: string | null, entries: readonly SandboxEntry[]): SandboxTarget {
  if (path === null || path === "") throw new HttpError(400, "path: required, e.g. /tasks/<task id>/stdout");
  const parts = path.split("/").filter((p) => p !== "" && p !== ".");
  const bad = parts.findIndex((p) => p === "..");
  if (bad >= 0) throw new HttpError(400, `path "${path}": ".." is not allowed (segment ${bad + 1})`);
  const latest = (xs: readonly SandboxEntry[]) => xs[xs.length - 1];

  let entry: SandboxEntry | undefined;
  let rest: string[];
  if (parts[0] === "tasks" && parts.length >= 2) {
    entry = latest(entries.filter((e) => e.taskId === parts[1]));
    rest = parts.slice(2);
    if (!entry) throw new HttpError(404, `path "${path}": no task '${parts[1]}' on this agent`);
  } else if (parts[0] === "frameworks" && parts[2] === "executors" && parts[4] === "runs" && parts.length >= 6) {
    const [fid, eid, cid] = [parts[1], parts[3], parts[5]];
    const ofExecutor = entries.filter((e) => e.frameworkId === fid && e.executorId === eid);
    entry = cid === "latest" ? latest(ofExecutor) : ofExecutor.find((e) => e.containerId === cid);
    rest = parts.slice(6);
    if (!entry) throw new HttpError(404, `path "${path}": no such run of executor '${eid}' of framework '${fid}'`);
  } else {
    throw new HttpError(404, `path "${path}": expected /tasks/<task id>/... or /frameworks/<fid>/executors/<eid>/runs/<cid>/...`);
  }
  return { sandbox: entry.sandbox, relative: rest.join("/") };
}
