import { isAbsolute, normalize, posix } from "node:path";
import { mesos, parseProto, Resources, type ContainerLaunch } from "@tessera/core";
import { applyDockerParameters, type CreateSpec } from "./docker-parameters.js";
import { DockerTaskError } from "./errors.js";
import { identityLabels } from "./labels.js";
import type { DockerOptions } from "./options.js";
import { limitsFromResources, type EngineLimits } from "./resource-limits.js";

export type DockerNetworkMode = "HOST" | "BRIDGE" | "NONE" | "USER";

export interface PortBinding {
  hostPort: number;
  containerPort: number;
  protocol: "tcp" | "udp";
}

/** A task translated to an Engine create request, checked against what the task was given. */
export interface DockerLaunchSpec {
  image: string;
  forcePull: boolean;
  network: { mode: DockerNetworkMode; name?: string };
  ports: PortBinding[];
  limits: EngineLimits;
  /** The create request, without the container's name. */
  create: CreateSpec;
}

export type SpecOptions = Pick<DockerOptions, "defaultNetwork" | "sandboxDirectory" | "cpuCfsQuota">;

const fail = (where: string, problem: string): never => {
  throw new DockerTaskError(`${where}: ${problem}`);
};

function parse<S extends Parameters<typeof parseProto>[0]>(schema: S, value: unknown, path: string[]) {
  try {
    return parseProto(schema, value, path);
  } catch (err) {
    throw new DockerTaskError((err as Error).message);
  }
}

function networkOf(container: mesos.ContainerInfo, rawNetwork: unknown, o: SpecOptions): DockerLaunchSpec["network"] {
  const where = "task.container.docker.network";
  // The proto parser drops an unknown enum name silently; a typo must not quietly mean HOST.
  if (rawNetwork !== undefined && rawNetwork !== null && !(mesos.DOCKER_NETWORKS as readonly unknown[]).includes(rawNetwork)) {
    fail(where, `unknown network ${JSON.stringify(rawNetwork)}, expected one of ${mesos.DOCKER_NETWORKS.join(", ")}`);
  }
  const mode = container.docker?.network;
  if (mode === "USER") {
    const named = container.network_infos?.filter((n) => n.name) ?? [];
    if (named.length !== 1) fail(where, `USER needs exactly one task.container.network_infos entry with a name, got ${named.length}`);
    return { mode, name: named[0]!.name! };
  }
  if (mode) return { mode };
  const fallback = o.defaultNetwork.toUpperCase();
  if (fallback === "HOST" || fallback === "BRIDGE" || fallback === "NONE") return { mode: fallback };
  return { mode: "USER", name: o.defaultNetwork };
}

function portBindings(
  container: mesos.ContainerInfo,
  network: DockerLaunchSpec["network"],
  resources: Resources,
): PortBinding[] {
  const sources: Array<[string, mesos.PortMapping[]]> = [["task.container.docker.port_mappings", container.docker?.port_mappings ?? []]];
  if (network.mode === "USER") {
    container.network_infos?.forEach((n, i) => sources.push([`task.container.network_infos[${i}].port_mappings`, n.port_mappings ?? []]));
  }
  const granted = resources.ranges("ports");
  const grantedText = granted.length ? granted.map(([b, e]) => `[${b}-${e}]`).join(",") : "none";
  const out: PortBinding[] = [];
  for (const [path, mappings] of sources) {
    mappings.forEach((m, i) => {
      const where = `${path}[${i}]`;
      if (network.mode === "HOST" || network.mode === "NONE") {
        fail(where, `port mappings need network BRIDGE or USER, this task uses ${network.mode}`);
      }
      const protocol = (m.protocol ?? "tcp").toLowerCase();
      if (protocol !== "tcp" && protocol !== "udp") fail(`${where}.protocol`, `expected tcp or udp, got ${JSON.stringify(m.protocol)}`);
      if (m.container_port < 1 || m.container_port > 65535) fail(`${where}.container_port`, `expected 1-65535, got ${m.container_port}`);
      if (!granted.some(([b, e]) => m.host_port >= b && m.host_port <= e)) {
        fail(`${where}.host_port`, `port ${m.host_port} is not in the task's ports resources (${grantedText})`);
      }
      if (out.some((p) => p.hostPort === m.host_port && p.protocol === protocol)) {
        fail(`${where}.host_port`, `port ${m.host_port}/${protocol} is mapped twice`);
      }
      out.push({ hostPort: m.host_port, containerPort: m.container_port, protocol: protocol as PortBinding["protocol"] });
    });
  }
  return out;
}

/** Mesos's docker containerizer semantics: a shell command overrides the image's entrypoint with /bin/sh -c. */
function entrypoint(command: mesos.CommandInfo | undefined): Pick<CreateSpec, "Entrypoint" | "Cmd"> {
  if (!command) return {};
  if (command.shell ?? true) {
    if (command.value === undefined || command.value === "") fail("task.command.value", "required when task.command.shell is true (the default)");
    return { Entrypoint: ["/bin/sh"], Cmd: ["-c", command.value!] };
  }
  // shell=false keeps the image's entrypoint; value and arguments become its arguments.
  const cmd = [...(command.value ? [command.value] : []), ...(command.arguments ?? [])];
  return cmd.length ? { Cmd: cmd } : {};
}

function insideSandbox(sandbox: string, relative: string, where: string): string {
  const p = normalize(`${sandbox}/${relative}`);
  if (p !== sandbox && !p.startsWith(`${sandbox}/`)) fail(where, `path ${JSON.stringify(relative)} leaves the sandbox`);
  return p;
}

function binds(container: mesos.ContainerInfo, launch: ContainerLaunch, o: SpecOptions, hostConfig: CreateSpec["HostConfig"]): string[] {
  const out = [`${launch.sandbox}:${o.sandboxDirectory}:rw`];
  // DockerInfo.volume_driver is the deprecated way to name it; Mesos still honours it.
  let driver = container.docker?.volume_driver || undefined;
  container.volumes?.forEach((v, i) => {
    const where = `task.container.volumes[${i}]`;
    if (v.image) fail(`${where}.image`, "image volumes are not supported by the Docker containerizer");
    const target = v.container_path.startsWith("/") ? v.container_path : posix.join(o.sandboxDirectory, v.container_path);
    let source: string;
    if (v.source) {
      const s = v.source;
      if (s.type === "DOCKER_VOLUME" && s.docker_volume) {
        if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(s.docker_volume.name)) fail(`${where}.source.docker_volume.name`, `not a volume name: ${JSON.stringify(s.docker_volume.name)}`);
        if (s.docker_volume.driver && driver && s.docker_volume.driver !== driver) {
          fail(`${where}.source.docker_volume.driver`, `one task can use one volume driver, got ${driver} and ${s.docker_volume.driver}`);
        }
        driver = s.docker_volume.driver ?? driver;
        source = s.docker_volume.name;
      } else if (s.type === "HOST_PATH" && s.host_path) {
        if (!isAbsolute(s.host_path.path)) fail(`${where}.source.host_path.path`, `expected an absolute path, got ${JSON.stringify(s.host_path.path)}`);
        source = s.host_path.path;
      } else if (s.type === "SANDBOX_PATH" && s.sandbox_path) {
        if (s.sandbox_path.type === "PARENT") fail(`${where}.source.sandbox_path.type`, "PARENT needs a nested container; Docker tasks have none");
        source = insideSandbox(launch.sandbox, s.sandbox_path.path, `${where}.source.sandbox_path.path`);
      } else {
        return fail(`${where}.source.type`, `expected DOCKER_VOLUME, HOST_PATH or SANDBOX_PATH with its details, got ${s.type ?? "none"}`);
      }
    } else if (v.host_path) {
      // Mesos: an absolute host_path is a host bind, a relative one is inside the sandbox.
      source = isAbsolute(v.host_path) ? v.host_path : insideSandbox(launch.sandbox, v.host_path, `${where}.host_path`);
    } else {
      return fail(where, "needs host_path or source");
    }
    out.push(`${source}:${target}:${v.mode === "RO" ? "ro" : "rw"}`);
  });
  if (driver) hostConfig.VolumeDriver = driver;
  launch.plan.mounts.forEach((m, i) => {
    if (!isAbsolute(m.source) || !isAbsolute(m.target)) fail(`plan.mounts[${i}]`, "isolator mounts need absolute source and target");
    out.push(`${m.source}:${m.target}:${m.readOnly ? "ro" : "rw"}`);
  });
  return out;
}

function environment(launch: ContainerLaunch, command: mesos.CommandInfo | undefined, o: SpecOptions): string[] {
  const env: Record<string, string> = { ...launch.plan.env, MESOS_SANDBOX: o.sandboxDirectory };
  // The agent's default PATH suits its host, not the image: keep the image's unless the task set one.
  if (!command?.environment?.variables?.some((v) => v.name === "PATH")) delete env.PATH;
  return Object.entries(env).map(([k, v]) => `${k}=${v}`);
}

function taskLabels(task: ContainerLaunch["task"]): Record<string, string> {
  const labels = (task.labels as { labels?: Array<{ key?: unknown; value?: unknown }> } | undefined)?.labels ?? [];
  const out: Record<string, string> = {};
  for (const l of labels) if (typeof l.key === "string") out[l.key] = typeof l.value === "string" ? l.value : "";
  return out;
}

/**
 * Translates a task (Mesos TaskInfo with ContainerInfo.DockerInfo) and the isolators' launch plan
 * into an Engine create request. Refuses, naming the field, anything it cannot honour.
 */
export function buildLaunchSpec(launch: ContainerLaunch, o: SpecOptions, containerizerName: string): DockerLaunchSpec {
  const task = launch.task;
  if (task.container === undefined || task.container === null) fail("task.container", "required for the Docker containerizer");
  const container = parse(mesos.ContainerInfo, task.container, ["task", "container"]);
  if (container.type !== "DOCKER") fail("task.container.type", `expected DOCKER, got ${container.type}`);
  const docker = container.docker ?? fail("task.container.docker", "required when task.container.type is DOCKER");
  if (docker.image.trim() === "") fail("task.container.docker.image", "must not be empty");
  if (launch.plan.netnsPath) fail("plan.netnsPath", "the Docker containerizer cannot join an isolator's network namespace; use container.docker.network");
  if (launch.plan.wrapper?.length) fail("plan.wrapper", "the Docker containerizer cannot run a command wrapper from an isolator");

  const command = task.command === undefined || task.command === null ? undefined : parse(mesos.CommandInfo, task.command, ["task", "command"]);
  let resources: Resources;
  try {
    resources = Resources.fromJSON(task.resources ?? [], "task.resources");
  } catch (err) {
    throw new DockerTaskError((err as Error).message);
  }

  const rawDocker = (task.container as { docker?: { network?: unknown } }).docker;
  const network = networkOf(container, rawDocker?.network, o);
  if (container.hostname && network.mode === "HOST") fail("task.container.hostname", "cannot be set with network HOST");
  const ports = portBindings(container, network, resources);
  const limits = limitsFromResources(resources, o.cpuCfsQuota);

  const hostConfig: CreateSpec["HostConfig"] = {
    NetworkMode: network.mode === "USER" ? network.name! : network.mode.toLowerCase(),
    Privileged: docker.privileged ?? false,
    ...limits,
  };
  hostConfig.Binds = binds(container, launch, o, hostConfig);
  if (ports.length) {
    hostConfig.PortBindings = Object.fromEntries(
      ports.map((p) => [`${p.containerPort}/${p.protocol}`, [{ HostIp: "", HostPort: String(p.hostPort) }]]),
    );
  }
  const identity = identityLabels(containerizerName, launch);
  const create: CreateSpec = {
    Image: docker.image,
    ...entrypoint(command),
    Env: environment(launch, command, o),
    ...(command?.user ? { User: command.user } : {}),
    ...(container.hostname ? { Hostname: container.hostname } : {}),
    ...(ports.length ? { ExposedPorts: Object.fromEntries(ports.map((p) => [`${p.containerPort}/${p.protocol}`, {}])) } : {}),
    Labels: { ...taskLabels(task), ...launch.plan.labels, ...identity },
    AttachStdin: false,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    HostConfig: hostConfig,
  };
  applyDockerParameters(create, docker.parameters ?? [], "task.container.docker.parameters");
  return { image: docker.image, forcePull: docker.force_pull_image ?? false, network, ports, limits, create };
}
