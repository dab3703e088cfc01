import { defineModule, moduleOptionsJsonSchema, type TaskLike } from "@tessera/core";
import { DockerContainerizer } from "./docker-containerizer.js";
import { engineReason } from "./engine-errors.js";
import { DockerOptions } from "./options.js";

export const MODULE_NAME = "@tessera/containerizer-docker";

/** Tasks this containerizer claims: ContainerInfo.type DOCKER (as Mesos's --containerizers=docker,mesos). */
export function isDockerTask(task: TaskLike): boolean {
  return (task.container as { type?: unknown } | undefined)?.type === "DOCKER";
}

const dockerContainerizerModule = defineModule({
  name: MODULE_NAME,
  apiVersion: "^1.0.0",
  roles: ["agent"],
  hooks: ["containerization", "agentLifecycle"],
  options: DockerOptions,
  async register({ hooks, options, log }) {
    const docker = new DockerContainerizer(options, { log });
    try {
      await docker.docker.ping();
    } catch (err) {
      // Refuse to start rather than fail every Docker task later.
      throw new Error(`cannot reach the Docker Engine (${options.dockerHost ?? options.socketPath ?? process.env.DOCKER_HOST ?? "local socket"}): ${engineReason(err)}`);
    }
    hooks.containerization?.selectContainerizer.tapPromise(MODULE_NAME, async (task) => (isDockerTask(task) ? docker : undefined));
    // With agentLifecycle enabled, orphans are also swept once the agent knows its id, even
    // when it recovered no container to learn it from.
    hooks.agentLifecycle?.registered.tap(MODULE_NAME, ({ agentId }) => {
      docker.removeOrphans(agentId).catch((err: unknown) => log.warn({ err: engineReason(err) }, "orphan sweep failed"));
    });
    hooks.agentLifecycle?.stopping.tapPromise(MODULE_NAME, async () => docker.close());
    log.info({ engine: options.dockerHost ?? options.socketPath ?? "default" }, "docker containerizer ready");
  },
});

export default dockerContainerizerModule;

/** JSON Schema of the module's options, as operators write them; also shipped as options.schema.json. */
export const optionsJsonSchema = moduleOptionsJsonSchema(dockerContainerizerModule);
