import type { ContainerLaunch } from "@tessera/core";
import { describe, expect, it } from "vitest";
import { buildLaunchSpec, type SpecOptions } from "./container-spec.js";
import { DockerTaskError } from "./errors.js";
import { LABELS } from "./labels.js";

const opts: SpecOptions = { defaultNetwork: "HOST", sandboxDirectory: "/mnt/mesos/sandbox", cpuCfsQuota: true };

function launchOf(task: Record<string, unknown>, plan: Partial<ContainerLaunch["plan"]> = {}): ContainerLaunch {
  return {
    containerId: "c-1",
    frameworkId: "fw-1",
    agentId: "agent-1",
    taskId: "t-1",
    sandbox: "/var/lib/tessera/sandbox/c-1",
    task: {
      task_id: { value: "t-1" },
      name: "t",
      agent_id: { value: "agent-1" },
      resources: [
        { name: "cpus", type: "SCALAR", scalar: { value: 0.5 } },
        { name: "mem", type: "SCALAR", scalar: { value: 64 } },
        { name: "ports", type: "RANGES", ranges: { range: [{ begin: 31000, end: 31002 }] } },
      ],
      ...task,
    },
    plan: { env: { PATH: "/agent/default", MESOS_SANDBOX: "/var/lib/tessera/sandbox/c-1", FOO: "bar" }, mounts: [], labels: {}, ...plan },
  };
}

const docker = (d: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  container: { type: "DOCKER", docker: { image: "tessera/busybox:latest", ...d }, ...extra },
});

function refused(task: Record<string, unknown>, plan?: Partial<ContainerLaunch["plan"]>): string {
  try {
    buildLaunchSpec(launchOf(task, plan), opts, "docker");
  } catch (err) {
    expect(err).toBeInstanceOf(DockerTaskError);
    return (err as Error).message;
  }
  throw new Error("expected the task to be refused");
}

describe("buildLaunchSpec: command (Mesos docker entrypoint semantics)", () => {
  it("a shell command replaces the image's entrypoint with /bin/sh -c", () => {
    const s = buildLaunchSpec(launchOf({ ...docker({}), command: { value: "echo hi; exit 3" } }), opts, "docker");
    expect(s.create.Entrypoint).toEqual(["/bin/sh"]);
    expect(s.create.Cmd).toEqual(["-c", "echo hi; exit 3"]);
  });

  it("shell=false keeps the image's entrypoint and passes value then arguments as its arguments", () => {
    const s = buildLaunchSpec(
      launchOf({ ...docker({}), command: { shell: false, value: "httpd", arguments: ["-f", "-p", "8080"] } }),
      opts,
      "docker",
    );
    expect(s.create.Entrypoint).toBeUndefined();
    expect(s.create.Cmd).toEqual(["httpd", "-f", "-p", "8080"]);
  });

  it("shell=false without value or arguments runs the image's default command", () => {
    const s = buildLaunchSpec(launchOf({ ...docker({}), command: { shell: false } }), opts, "docker");
    expect(s.create.Entrypoint).toBeUndefined();
    expect(s.create.Cmd).toBeUndefined();
  });

  it("a shell command without a value is refused", () => {
    expect(refused({ ...docker({}), command: { shell: true } })).toBe(
      "task.command.value: required when task.command.shell is true (the default)",
    );
  });

  it("passes the plan's environment, the sandbox path inside the container and command.user", () => {
    const s = buildLaunchSpec(launchOf({ ...docker({}), command: { value: "env", user: "nobody" } }), opts, "docker");
    expect(s.create.Env).toContain("FOO=bar");
    expect(s.create.Env).toContain("MESOS_SANDBOX=/mnt/mesos/sandbox");
    // The agent's default PATH is for its host; the image keeps its own.
    expect(s.create.Env!.some((e) => e.startsWith("PATH="))).toBe(false);
    expect(s.create.User).toBe("nobody");
    expect(s.create.HostConfig.Binds).toContain("/var/lib/tessera/sandbox/c-1:/mnt/mesos/sandbox:rw");
  });

  it("keeps PATH when the task's own environment sets it", () => {
    const s = buildLaunchSpec(
      launchOf(
        { ...docker({}), command: { value: "env", environment: { variables: [{ name: "PATH", value: "/opt/bin" }] } } },
        { env: { PATH: "/opt/bin" } },
      ),
      opts,
      "docker",
    );
    expect(s.create.Env).toContain("PATH=/opt/bin");
  });
});

describe("buildLaunchSpec: network and ports", () => {
  it("defaults to HOST as Mesos does, or to the option's network", () => {
    expect(buildLaunchSpec(launchOf(docker({})), opts, "docker").create.HostConfig.NetworkMode).toBe("host");
    const user = buildLaunchSpec(launchOf(docker({})), { ...opts, defaultNetwork: "tessera-net" }, "docker");
    expect(user.network).toEqual({ mode: "USER", name: "tessera-net" });
    expect(user.create.HostConfig.NetworkMode).toBe("tessera-net");
  });

  it("BRIDGE maps the task's host ports to container ports", () => {
    const s = buildLaunchSpec(
      launchOf(docker({ network: "BRIDGE", port_mappings: [{ host_port: 31001, container_port: 80 }, { host_port: 31002, container_port: 53, protocol: "udp" }] })),
      opts,
      "docker",
    );
    expect(s.create.HostConfig.NetworkMode).toBe("bridge");
    expect(s.create.HostConfig.PortBindings).toEqual({
      "80/tcp": [{ HostIp: "", HostPort: "31001" }],
      "53/udp": [{ HostIp: "", HostPort: "31002" }],
    });
    expect(s.create.ExposedPorts).toEqual({ "80/tcp": {}, "53/udp": {} });
  });

  it("refuses a host port the task was not given", () => {
    expect(refused(docker({ network: "BRIDGE", port_mappings: [{ host_port: 31000, container_port: 80 }, { host_port: 32000, container_port: 81 }] }))).toBe(
      "task.container.docker.port_mappings[1].host_port: port 32000 is not in the task's ports resources ([31000-31002])",
    );
  });

  it("refuses port mappings on HOST and NONE networks", () => {
    expect(refused(docker({ network: "HOST", port_mappings: [{ host_port: 31000, container_port: 80 }] }))).toMatch(
      /port_mappings\[0\]: port mappings need network BRIDGE or USER, this task uses HOST/,
    );
  });

  it("USER takes the network name from the one named network_info", () => {
    const s = buildLaunchSpec(launchOf(docker({ network: "USER" }, { network_infos: [{ name: "backend" }] })), opts, "docker");
    expect(s.create.HostConfig.NetworkMode).toBe("backend");
    expect(refused(docker({ network: "USER" }))).toMatch(/network: USER needs exactly one task.container.network_infos entry with a name, got 0/);
  });

  it("refuses an unknown network name instead of quietly running on HOST", () => {
    expect(refused(docker({ network: "OVERLAY" }))).toBe(
      'task.container.docker.network: unknown network "OVERLAY", expected one of HOST, BRIDGE, NONE, USER',
    );
  });
});

describe("buildLaunchSpec: limits, volumes, labels, parameters", () => {
  it("derives CPU shares, CFS quota and a memory limit without swap from the task's resources", () => {
    const s = buildLaunchSpec(launchOf(docker({})), opts, "docker");
    expect(s.create.HostConfig).toMatchObject({ CpuShares: 512, CpuPeriod: 100_000, CpuQuota: 50_000, Memory: 64 * 1024 * 1024, MemorySwap: 64 * 1024 * 1024 });
  });

  it("binds volumes: absolute host paths, sandbox-relative paths, read-only modes", () => {
    const s = buildLaunchSpec(
      launchOf(
        docker({}, {
          volumes: [
            { mode: "RO", container_path: "/etc/app", host_path: "/srv/app" },
            { mode: "RW", container_path: "data", host_path: "cache" },
            { mode: "RW", container_path: "/vol", source: { type: "DOCKER_VOLUME", docker_volume: { name: "shared" } } },
          ],
        }),
      ),
      opts,
      "docker",
    );
    expect(s.create.HostConfig.Binds).toEqual([
      "/var/lib/tessera/sandbox/c-1:/mnt/mesos/sandbox:rw",
      "/srv/app:/etc/app:ro",
      "/var/lib/tessera/sandbox/c-1/cache:/mnt/mesos/sandbox/data:rw",
      "shared:/vol:rw",
    ]);
    expect(refused(docker({ volume_driver: "rexray" }, { volumes: [{ mode: "RW", container_path: "/v", source: { type: "DOCKER_VOLUME", docker_volume: { name: "a", driver: "local" } } }] }))).toBe(
      "task.container.volumes[0].source.docker_volume.driver: one task can use one volume driver, got rexray and local",
    );
    expect(refused(docker({}, { volumes: [{ mode: "RW", container_path: "/x", host_path: "../../etc" }] }))).toBe(
      'task.container.volumes[0].host_path: path "../../etc" leaves the sandbox',
    );
  });

  it("labels the container with agent, framework, task and container ids, which a task label cannot override", () => {
    const s = buildLaunchSpec(
      launchOf({ ...docker({}), labels: { labels: [{ key: "team", value: "web" }, { key: LABELS.taskId, value: "forged" }] } }),
      opts,
      "docker",
    );
    expect(s.create.Labels).toMatchObject({
      team: "web",
      [LABELS.containerizer]: "docker",
      [LABELS.agentId]: "agent-1",
      [LABELS.frameworkId]: "fw-1",
      [LABELS.taskId]: "t-1",
      [LABELS.containerId]: "c-1",
    });
  });

  it("maps known docker run parameters to Engine fields", () => {
    const s = buildLaunchSpec(
      launchOf(
        docker({
          privileged: true,
          parameters: [
            { key: "env", value: "A=1" },
            { key: "cap-add", value: "NET_ADMIN" },
            { key: "ulimit", value: "nofile=1024:2048" },
            { key: "shm-size", value: "64m" },
            { key: "read-only", value: "true" },
            { key: "label", value: "tier=frontend" },
            { key: "workdir", value: "/tmp" },
          ],
        }),
      ),
      opts,
      "docker",
    );
    expect(s.create.Env).toContain("A=1");
    expect(s.create.WorkingDir).toBe("/tmp");
    expect(s.create.Labels.tier).toBe("frontend");
    expect(s.create.HostConfig).toMatchObject({
      Privileged: true,
      CapAdd: ["NET_ADMIN"],
      Ulimits: [{ Name: "nofile", Soft: 1024, Hard: 2048 }],
      ShmSize: 64 * 1024 * 1024,
      ReadonlyRootfs: true,
    });
  });

  it("refuses unknown parameters, agent-owned ones, and bad values, naming the parameter", () => {
    expect(refused(docker({ parameters: [{ key: "env", value: "A=1" }, { key: "frobnicate", value: "x" }] }))).toMatch(
      /^task\.container\.docker\.parameters\[1\]: unknown docker run option "frobnicate"; supported: add-host, /,
    );
    expect(refused(docker({ parameters: [{ key: "publish", value: "8080:80" }] }))).toMatch(
      /parameters\[0\]: docker run option "publish" is not allowed here: host ports come from container.docker.port_mappings/,
    );
    expect(refused(docker({ parameters: [{ key: "memory", value: "1g" }] }))).toMatch(/the memory limit comes from the task's mem resource/);
    expect(refused(docker({ parameters: [{ key: "shm-size", value: "lots" }] }))).toBe(
      'task.container.docker.parameters[0]: docker run option "shm-size": expected a size such as 64m or 1g, got "lots"',
    );
    expect(refused(docker({ parameters: [{ key: "label", value: `${LABELS.agentId}=other` }] }))).toMatch(/is reserved for the agent/);
  });

  it("refuses what it cannot honour from the isolators' plan", () => {
    expect(refused(docker({}), { netnsPath: "/var/run/netns/x" })).toMatch(/^plan.netnsPath: /);
  });

  it("refuses a DOCKER container without docker info or image, naming the field", () => {
    expect(refused({ container: { type: "DOCKER" } })).toBe("task.container.docker: required when task.container.type is DOCKER");
    expect(refused({ container: { type: "DOCKER", docker: {} } })).toBe("task.container.docker.image: required field missing");
  });
});
