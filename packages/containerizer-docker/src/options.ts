import { z } from "@tessera/core";

/** Module options, as operators write them under `modules[].options`. */
export const DockerOptions = z
  .strictObject({
    dockerHost: z
      .string()
      .regex(/^(unix|tcp|http|https):\/\/.+/, "expected unix:///path/to/docker.sock or tcp://host:port")
      .optional()
      .describe("Engine address, e.g. unix:///var/run/docker.sock or tcp://10.0.0.5:2376 (default: DOCKER_HOST, else the local socket)"),
    socketPath: z.string().min(1).optional().describe("Path of the Engine's unix socket; shorthand for dockerHost unix://<path>"),
    tls: z
      .strictObject({
        caFile: z.string().min(1).optional().describe("PEM file of the CA that signed the Engine's certificate"),
        certFile: z.string().min(1).describe("PEM client certificate"),
        keyFile: z.string().min(1).describe("PEM client key"),
      })
      .optional()
      .describe("Client TLS for a tcp:// Engine (default: DOCKER_CERT_PATH when DOCKER_HOST is used)"),
    defaultNetwork: z
      .string()
      .min(1)
      .default("HOST")
      .describe("Network of tasks whose DockerInfo sets none: HOST, BRIDGE, NONE, or the name of a user-defined network"),
    removeContainersOnExit: z.boolean().default(true).describe("Remove a container once its task's end was reported"),
    stopTimeoutSeconds: z
      .number()
      .min(0)
      .max(3600)
      .default(10)
      .describe("Grace period when the containerizer stops a container on its own (orphans); kills use the task's kill policy"),
    pullTimeoutSeconds: z.number().positive().max(86_400).default(600).describe("A pull that has not finished by then fails the task"),
    sandboxDirectory: z
      .string()
      .regex(/^\//, "expected an absolute path")
      .default("/mnt/mesos/sandbox")
      .describe("Where the task's sandbox is mounted inside the container (MESOS_SANDBOX)"),
    cpuCfsQuota: z.boolean().default(true).describe("Hard-cap CPU with a CFS quota from `cpus`, besides the shares"),
    containerNamePrefix: z
      .string()
      .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, "expected letters, digits, _ . -")
      .default("tessera-")
      .describe("Containers are named <prefix><container id>"),
  })
  .refine((o) => !(o.dockerHost && o.socketPath), { message: "give dockerHost or socketPath, not both", path: ["socketPath"] });

export type DockerOptionsInput = z.input<typeof DockerOptions>;
export type DockerOptions = z.output<typeof DockerOptions>;
