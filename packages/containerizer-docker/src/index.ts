// @tessera/containerizer-docker: runs DOCKER tasks on a Docker Engine. The default export is the module.
export { default, MODULE_NAME, isDockerTask, optionsJsonSchema } from "./module.js";
export { DockerContainerizer, type ContainerizerLog, type DockerCheckpoint, type DockerContainerizerDeps } from "./docker-containerizer.js";
export { DockerOptions, type DockerOptionsInput } from "./options.js";
export { buildLaunchSpec, type DockerLaunchSpec, type DockerNetworkMode, type PortBinding, type SpecOptions } from "./container-spec.js";
export { SUPPORTED_PARAMETERS } from "./docker-parameters.js";
export { DockerTaskError, ImagePullError } from "./errors.js";
export { ensureImage, type PullProgress, type EnsureImageOptions } from "./image-puller.js";
export { LABELS, identityOf, type ContainerIdentity } from "./labels.js";
export { limitsFromResources, type EngineLimits } from "./resource-limits.js";
export { terminationOf, type EngineState } from "./termination.js";
export { statisticsOf, type EngineStats } from "./usage.js";
export { createDockerClient } from "./docker-client.js";
