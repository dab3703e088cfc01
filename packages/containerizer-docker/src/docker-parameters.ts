// DockerInfo.parameters are `docker run` flags (Mesos passes them to the CLI). We talk to the
// Engine API instead, so each supported flag is mapped here to the create-request field it sets.
import type Docker from "dockerode";
import { DockerTaskError } from "./errors.js";

export type CreateSpec = Docker.ContainerCreateOptions & { HostConfig: Docker.HostConfig; Labels: Record<string, string> };

type Apply = (spec: CreateSpec, value: string) => void;

function bool(value: string): boolean {
  if (value === "" || value === "true" || value === "1") return true;
  if (value === "false" || value === "0") return false;
  throw new Error(`expected true or false, got ${JSON.stringify(value)}`);
}

function int(value: string, min = Number.MIN_SAFE_INTEGER): number {
  if (!/^-?\d+$/.test(value) || Number(value) < min) throw new Error(`expected an integer${min > Number.MIN_SAFE_INTEGER ? ` >= ${min}` : ""}, got ${JSON.stringify(value)}`);
  return Number(value);
}

const UNITS: Record<string, number> = { "": 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** docker's RAMInBytes: "64m", "1g", "512k", "1048576". */
function bytes(value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([bkmgt]?)b?$/i.exec(value.trim());
  if (!m) throw new Error(`expected a size such as 64m or 1g, got ${JSON.stringify(value)}`);
  return Math.round(Number(m[1]) * UNITS[m[2]!.toLowerCase()]!);
}

function keyValue(value: string): [string, string] {
  const i = value.indexOf("=");
  if (i <= 0) throw new Error(`expected key=value, got ${JSON.stringify(value)}`);
  return [value.slice(0, i), value.slice(i + 1)];
}

const push = <K extends keyof Docker.HostConfig>(key: K): Apply => (s, v) => {
  s.HostConfig[key] = [...((s.HostConfig[key] as string[] | undefined) ?? []), v] as Docker.HostConfig[K];
};
const hostString = <K extends keyof Docker.HostConfig>(key: K): Apply => (s, v) => {
  s.HostConfig[key] = v as Docker.HostConfig[K];
};
const hostInt = <K extends keyof Docker.HostConfig>(key: K, min?: number): Apply => (s, v) => {
  s.HostConfig[key] = int(v, min) as Docker.HostConfig[K];
};
const hostBytes = <K extends keyof Docker.HostConfig>(key: K): Apply => (s, v) => {
  s.HostConfig[key] = (v === "-1" ? -1 : bytes(v)) as Docker.HostConfig[K];
};
const hostBool = <K extends keyof Docker.HostConfig>(key: K): Apply => (s, v) => {
  s.HostConfig[key] = bool(v) as Docker.HostConfig[K];
};

function ulimit(s: CreateSpec, v: string): void {
  const m = /^([a-z]+)=(-?\d+)(?::(-?\d+))?$/.exec(v);
  if (!m) throw new Error(`expected name=soft[:hard], e.g. nofile=1024:2048, got ${JSON.stringify(v)}`);
  const soft = Number(m[2]);
  s.HostConfig.Ulimits = [...(s.HostConfig.Ulimits ?? []), { Name: m[1]!, Soft: soft, Hard: m[3] === undefined ? soft : Number(m[3]) }];
}

function device(s: CreateSpec, v: string): void {
  const [host, container, perms] = v.split(":");
  if (!host?.startsWith("/")) throw new Error(`expected /dev/host[:/dev/container[:rwm]], got ${JSON.stringify(v)}`);
  s.HostConfig.Devices = [
    ...((s.HostConfig.Devices as unknown[] | undefined) ?? []),
    { PathOnHost: host, PathInContainer: container || host, CgroupPermissions: perms || "rwm" },
  ];
}

function label(s: CreateSpec, v: string): void {
  const [k, val] = keyValue(v);
  if (k.startsWith("org.tessera.")) throw new Error(`label ${k} is reserved for the agent`);
  s.Labels[k] = val;
}

/** Supported `docker run` flags (long names, without dashes), and the request field each sets. */
const SUPPORTED: Record<string, Apply> = {
  "add-host": push("ExtraHosts"),
  "blkio-weight": hostInt("BlkioWeight", 0),
  "cap-add": push("CapAdd"),
  "cap-drop": push("CapDrop"),
  "cgroup-parent": hostString("CgroupParent"),
  "cpuset-cpus": hostString("CpusetCpus"),
  "cpuset-mems": hostString("CpusetMems"),
  device,
  dns: push("Dns"),
  "dns-option": push("DnsOptions"),
  "dns-search": push("DnsSearch"),
  entrypoint: (s, v) => void (s.Entrypoint = v === "" ? [""] : [v]),
  // Unlike the CLI, NAME alone is refused: the agent's own environment is not the task's to read.
  env: (s, v) => void (s.Env = [...(s.Env ?? []), keyValue(v).join("=")]),
  "group-add": push("GroupAdd"),
  hostname: (s, v) => void (s.Hostname = v),
  init: hostBool("Init"),
  ipc: hostString("IpcMode"),
  label,
  "log-driver": (s, v) => void (s.HostConfig.LogConfig = { Type: v, Config: s.HostConfig.LogConfig?.Config ?? {} }),
  "log-opt": (s, v) => {
    const [k, val] = keyValue(v);
    const current = s.HostConfig.LogConfig ?? { Type: "", Config: {} };
    s.HostConfig.LogConfig = { Type: current.Type, Config: { ...current.Config, [k]: val } };
  },
  "mac-address": (s, v) => void (s.MacAddress = v),
  "memory-reservation": hostBytes("MemoryReservation"),
  "memory-swap": hostBytes("MemorySwap"),
  "memory-swappiness": hostInt("MemorySwappiness", -1),
  "oom-kill-disable": hostBool("OomKillDisable"),
  "oom-score-adj": hostInt("OomScoreAdj"),
  pid: hostString("PidMode"),
  "pids-limit": hostInt("PidsLimit", -1),
  "read-only": hostBool("ReadonlyRootfs"),
  runtime: hostString("Runtime"),
  "security-opt": push("SecurityOpt"),
  "shm-size": hostBytes("ShmSize"),
  "stop-signal": (s, v) => void (s.StopSignal = v),
  sysctl: (s, v) => {
    const [k, val] = keyValue(v);
    s.HostConfig.Sysctls = { ...s.HostConfig.Sysctls, [k]: val };
  },
  tmpfs: (s, v) => {
    const i = v.indexOf(":");
    const path = i < 0 ? v : v.slice(0, i);
    if (!path.startsWith("/")) throw new Error(`expected an absolute path[:options], got ${JSON.stringify(v)}`);
    s.HostConfig.Tmpfs = { ...s.HostConfig.Tmpfs, [path]: i < 0 ? "" : v.slice(i + 1) };
  },
  ulimit,
  user: (s, v) => void (s.User = v),
  userns: hostString("UsernsMode"),
  uts: hostString("UTSMode"),
  volume: (s, v) => {
    if (!v.includes(":")) throw new Error(`expected /host/path:/container/path[:ro], got ${JSON.stringify(v)}`);
    s.HostConfig.Binds = [...(s.HostConfig.Binds ?? []), v];
  },
  workdir: (s, v) => void (s.WorkingDir = v),
};

const ALIASES: Record<string, string> = { e: "env", h: "hostname", l: "label", u: "user", v: "volume", w: "workdir", "dns-opt": "dns-option" };

/** Flags that map to the Engine but that the agent decides, with where to say it instead. */
const REFUSED: Record<string, string> = {
  publish: "host ports come from container.docker.port_mappings, checked against the task's ports resources",
  p: "host ports come from container.docker.port_mappings, checked against the task's ports resources",
  "publish-all": "host ports come from container.docker.port_mappings, checked against the task's ports resources",
  P: "host ports come from container.docker.port_mappings, checked against the task's ports resources",
  network: "set container.docker.network (HOST, BRIDGE, NONE, USER)",
  net: "set container.docker.network (HOST, BRIDGE, NONE, USER)",
  privileged: "set container.docker.privileged",
  memory: "the memory limit comes from the task's mem resource",
  m: "the memory limit comes from the task's mem resource",
  cpus: "CPU limits come from the task's cpus resource",
  "cpu-shares": "CPU limits come from the task's cpus resource",
  c: "CPU limits come from the task's cpus resource",
  "cpu-quota": "CPU limits come from the task's cpus resource",
  "cpu-period": "CPU limits come from the task's cpus resource",
  name: "the agent names containers",
  rm: "the agent removes containers (option removeContainersOnExit)",
  restart: "the agent and the framework decide restarts",
  detach: "the agent manages the container's lifecycle",
  d: "the agent manages the container's lifecycle",
  interactive: "tasks have no stdin",
  i: "tasks have no stdin",
  tty: "output goes to the sandbox stdout and stderr files",
  t: "output goes to the sandbox stdout and stderr files",
};

export const SUPPORTED_PARAMETERS: readonly string[] = Object.freeze(Object.keys(SUPPORTED).sort());

/**
 * Applies DockerInfo.parameters to the create request, in order (repeated flags accumulate as in
 * `docker run`). Throws naming the parameter's path and what is wrong, e.g.
 * `task.container.docker.parameters[1]: unknown docker run option "frobnicate"`.
 */
export function applyDockerParameters(spec: CreateSpec, params: ReadonlyArray<{ key: string; value: string }>, path: string): void {
  params.forEach((p, i) => {
    const where = `${path}[${i}]`;
    const flag = p.key.replace(/^-{1,2}/, "");
    const name = ALIASES[flag] ?? flag;
    const refused = REFUSED[flag];
    if (refused) throw new DockerTaskError(`${where}: docker run option "${p.key}" is not allowed here: ${refused}`);
    const apply = SUPPORTED[name];
    if (!apply) {
      throw new DockerTaskError(`${where}: unknown docker run option "${p.key}"; supported: ${SUPPORTED_PARAMETERS.join(", ")}`);
    }
    try {
      apply(spec, p.value);
    } catch (err) {
      throw new DockerTaskError(`${where}: docker run option "${p.key}": ${(err as Error).message}`);
    }
  });
}
