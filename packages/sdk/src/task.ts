import { randomUUID } from "node:crypto";
import { pickResources, type ResourceNeeds } from "./resources.js";
import type { Offer, Resource, TaskInfo } from "./types.js";

export interface TaskSpec extends ResourceNeeds {
  name: string;
  /** Defaults to `<name>-<random>`. */
  id?: string;
  /** A string runs through `sh -c`; an array runs as argv without a shell. */
  cmd: string | string[];
  /** Run in a Docker image (needs the Docker containerizer on the agent). */
  docker?: string | { image: string; network?: "HOST" | "BRIDGE" | "NONE"; forcePull?: boolean };
  env?: Record<string, string>;
  labels?: Record<string, string>;
}

/** Builds a TaskInfo for `spec` from the given resources (see pickResources). */
export function taskInfo(spec: TaskSpec, resources: Resource[], agentId?: string): TaskInfo {
  if (!spec.name) throw new TypeError("taskInfo: name: must be a non-empty string");
  const argv = Array.isArray(spec.cmd) ? spec.cmd : undefined;
  if (argv ? argv.length === 0 : !spec.cmd) throw new TypeError(`taskInfo: task "${spec.name}": cmd: must not be empty`);
  const env = spec.env && Object.entries(spec.env).map(([name, value]) => ({ name, value }));
  const docker = typeof spec.docker === "string" ? { image: spec.docker } : spec.docker;
  return {
    name: spec.name,
    task_id: { value: spec.id ?? `${spec.name}-${randomUUID().slice(0, 8)}` },
    agent_id: { value: agentId ?? "" },
    resources,
    command: {
      shell: argv === undefined,
      ...(argv ? { value: argv[0], arguments: argv } : { value: spec.cmd as string }),
      ...(env && { environment: { variables: env } }),
    },
    ...(docker && {
      container: {
        type: "DOCKER" as const,
        docker: { image: docker.image, network: docker.network ?? "HOST", ...(docker.forcePull && { force_pull_image: true }) },
      },
    }),
    ...(spec.labels && { labels: { labels: Object.entries(spec.labels).map(([key, value]) => ({ key, value })) } }),
  };
}

/**
 * Packs as many of `specs` as fit into one offer, in order (a spec that does not fit is skipped, later
 * smaller ones may still fit). Returns the TaskInfos to launch and the specs left over.
 */
export function packTasks(offer: Offer, specs: TaskSpec[], opts: { allowRevocable?: boolean } = {}): { tasks: TaskInfo[]; rest: TaskSpec[] } {
  let remaining = offer.resources ?? [];
  const tasks: TaskInfo[] = [];
  const rest: TaskSpec[] = [];
  for (const spec of specs) {
    const got = pickResources(remaining, spec, opts);
    if (!got) {
      rest.push(spec);
      continue;
    }
    remaining = got.remaining;
    tasks.push(taskInfo(spec, got.picked, offer.agent_id.value));
  }
  return { tasks, rest };
}

/** One task from one offer, or undefined when the offer is too small. */
export function taskFromOffer(offer: Offer, spec: TaskSpec, opts: { allowRevocable?: boolean } = {}): TaskInfo | undefined {
  const got = pickResources(offer, spec, opts);
  return got && taskInfo(spec, got.picked, offer.agent_id.value);
}
