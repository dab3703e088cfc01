// Commands, environments, images, volumes, networks and ContainerInfo of mesos.v1.
import { z } from "zod";
import { pBool, pBytes, pEnum, pEnumLenient, pRepeated, pRepeatedEnum, pString, pUint32, pUint64 } from "../proto-json.js";
import { ContainerID, Labels, Parameter, Parameters } from "./ids.js";

export const SECRET_TYPES = ["UNKNOWN", "REFERENCE", "VALUE"] as const;
export const Secret = z.object({
  type: pEnumLenient(SECRET_TYPES),
  reference: z.object({ name: pString(), key: pString().optional() }).optional(),
  value: z.object({ data: pBytes() }).optional(),
});
export type Secret = z.infer<typeof Secret>;

export const ENVIRONMENT_VARIABLE_TYPES = ["UNKNOWN", "VALUE", "SECRET"] as const;
export const EnvironmentVariable = z.object({
  name: pString(),
  /** Defaults to VALUE. */
  type: pEnumLenient(ENVIRONMENT_VARIABLE_TYPES),
  value: pString().optional(),
  secret: Secret.optional(),
});
export type EnvironmentVariable = z.infer<typeof EnvironmentVariable>;
export const Environment = z.object({ variables: pRepeated(EnvironmentVariable) });
export type Environment = z.infer<typeof Environment>;

export const CommandURI = z.object({
  value: pString(),
  executable: pBool().optional(),
  /** Defaults to true. */
  extract: pBool().optional(),
  cache: pBool().optional(),
  output_file: pString().optional(),
});
export type CommandURI = z.infer<typeof CommandURI>;

export const CommandInfo = z.object({
  uris: pRepeated(CommandURI),
  environment: Environment.optional(),
  /** Defaults to true: `value` runs under `sh -c`; false: `value` is the executable, `arguments` its argv. */
  shell: pBool().optional(),
  value: pString().optional(),
  arguments: pRepeated(pString()),
  user: pString().optional(),
});
export type CommandInfo = z.infer<typeof CommandInfo>;

export const IMAGE_TYPES = ["APPC", "DOCKER"] as const;
export const Image = z.object({
  type: pEnum(IMAGE_TYPES),
  appc: z.object({ name: pString(), id: pString().optional(), labels: Labels.optional() }).optional(),
  docker: z
    .object({
      name: pString(),
      credential: z.object({ principal: pString(), secret: pString().optional() }).optional(),
      config: Secret.optional(),
    })
    .optional(),
  /** Defaults to true. */
  cached: pBool().optional(),
});
export type Image = z.infer<typeof Image>;

export const VOLUME_MODES = ["RW", "RO"] as const;
export const VOLUME_SOURCE_TYPES = ["UNKNOWN", "DOCKER_VOLUME", "HOST_PATH", "SANDBOX_PATH", "SECRET", "CSI_VOLUME"] as const;
export const MOUNT_PROPAGATION_MODES = ["UNKNOWN", "HOST_TO_CONTAINER", "BIDIRECTIONAL"] as const;
export const SANDBOX_PATH_TYPES = ["UNKNOWN", "SELF", "PARENT"] as const;

export const VolumeSource = z.object({
  type: pEnumLenient(VOLUME_SOURCE_TYPES),
  docker_volume: z
    .object({ driver: pString().optional(), name: pString(), driver_options: Parameters.optional() })
    .optional(),
  host_path: z
    .object({
      path: pString(),
      mount_propagation: z.object({ mode: pEnumLenient(MOUNT_PROPAGATION_MODES) }).optional(),
    })
    .optional(),
  sandbox_path: z.object({ type: pEnumLenient(SANDBOX_PATH_TYPES), path: pString() }).optional(),
  secret: Secret.optional(),
  /** CSI volumes are passed through to a volume module unchecked beyond the plugin name. */
  csi_volume: z
    .object({ plugin_name: pString(), static_provisioning: z.record(z.string(), z.unknown()).optional() })
    .optional(),
});
export type VolumeSource = z.infer<typeof VolumeSource>;

export const Volume = z.object({
  mode: pEnum(VOLUME_MODES),
  container_path: pString(),
  host_path: pString().optional(),
  image: Image.optional(),
  source: VolumeSource.optional(),
});
export type Volume = z.infer<typeof Volume>;

export const NETWORK_PROTOCOLS = ["IPv4", "IPv6"] as const;
export const PortMapping = z.object({
  host_port: pUint32(),
  container_port: pUint32(),
  /** "tcp" or "udp"; free text in the proto. */
  protocol: pString().optional(),
});
export type PortMapping = z.infer<typeof PortMapping>;

export const NetworkInfo = z.object({
  ip_addresses: pRepeated(
    z.object({ protocol: pEnumLenient(NETWORK_PROTOCOLS), ip_address: pString().optional() }),
  ),
  name: pString().optional(),
  groups: pRepeated(pString()),
  labels: Labels.optional(),
  port_mappings: pRepeated(PortMapping),
});
export type NetworkInfo = z.infer<typeof NetworkInfo>;

export const DOCKER_NETWORKS = ["HOST", "BRIDGE", "NONE", "USER"] as const;
export const DockerInfo = z.object({
  image: pString(),
  /** Defaults to HOST. */
  network: pEnumLenient(DOCKER_NETWORKS),
  port_mappings: pRepeated(PortMapping),
  privileged: pBool().optional(),
  parameters: pRepeated(Parameter),
  force_pull_image: pBool().optional(),
  volume_driver: pString().optional(),
});
export type DockerInfo = z.infer<typeof DockerInfo>;

export const LINUX_CAPABILITIES = [
  "UNKNOWN", "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID",
  "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW", "IPC_LOCK",
  "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT",
  "SYS_NICE", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL",
  "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON",
  "BPF", "CHECKPOINT_RESTORE",
] as const;
export const CapabilityInfo = z.object({ capabilities: pRepeatedEnum(LINUX_CAPABILITIES) });
export type CapabilityInfo = z.infer<typeof CapabilityInfo>;

export const IPC_MODES = ["UNKNOWN", "PRIVATE", "SHARE_PARENT"] as const;
export const LinuxInfo = z.object({
  capability_info: CapabilityInfo.optional(),
  bounding_capabilities: CapabilityInfo.optional(),
  effective_capabilities: CapabilityInfo.optional(),
  share_pid_namespace: pBool().optional(),
  seccomp: z.object({ profile_name: pString().optional(), unconfined: pBool().optional() }).optional(),
  ipc_mode: pEnumLenient(IPC_MODES),
  shm_size: pUint32().optional(),
  /** Defaults to true. */
  share_cgroups: pBool().optional(),
});
export type LinuxInfo = z.infer<typeof LinuxInfo>;

export const RLIMIT_TYPES = [
  "UNKNOWN", "RLMT_AS", "RLMT_CORE", "RLMT_CPU", "RLMT_DATA", "RLMT_FSIZE", "RLMT_LOCKS", "RLMT_MEMLOCK",
  "RLMT_MSGQUEUE", "RLMT_NICE", "RLMT_NOFILE", "RLMT_NPROC", "RLMT_RSS", "RLMT_RTPRIO", "RLMT_RTTIME",
  "RLMT_SIGPENDING", "RLMT_STACK",
] as const;
export const RLimitInfo = z.object({
  rlimits: pRepeated(
    z.object({ type: pEnumLenient(RLIMIT_TYPES), hard: pUint64().optional(), soft: pUint64().optional() }),
  ),
});
export type RLimitInfo = z.infer<typeof RLimitInfo>;

export const CONTAINER_TYPES = ["DOCKER", "MESOS"] as const;
export type ContainerType = (typeof CONTAINER_TYPES)[number];
export const ContainerInfo = z.object({
  type: pEnum(CONTAINER_TYPES),
  volumes: pRepeated(Volume),
  hostname: pString().optional(),
  docker: DockerInfo.optional(),
  mesos: z.object({ image: Image.optional() }).optional(),
  network_infos: pRepeated(NetworkInfo),
  linux_info: LinuxInfo.optional(),
  rlimit_info: RLimitInfo.optional(),
  tty_info: z
    .object({ window_size: z.object({ rows: pUint32(), columns: pUint32() }).optional() })
    .optional(),
});
export type ContainerInfo = z.infer<typeof ContainerInfo>;

export const ContainerStatus = z.object({
  container_id: ContainerID.optional(),
  network_infos: pRepeated(NetworkInfo),
  cgroup_info: z.object({ net_cls: z.object({ classid: pUint32().optional() }).optional() }).optional(),
  executor_pid: pUint32().optional(),
});
export type ContainerStatus = z.infer<typeof ContainerStatus>;
