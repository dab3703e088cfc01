// Labels on every container this containerizer creates: they are how recovery finds its own
// containers and tells them apart from other agents' and from anything else on the Engine.
export const LABEL_PREFIX = "org.tessera.";
export const LABELS = Object.freeze({
  /** Marks the container as ours; its value is the containerizer's name. */
  containerizer: "org.tessera.containerizer",
  agentId: "org.tessera.agent-id",
  frameworkId: "org.tessera.framework-id",
  taskId: "org.tessera.task-id",
  containerId: "org.tessera.container-id",
});

export interface ContainerIdentity {
  agentId: string;
  frameworkId: string;
  taskId: string;
  containerId: string;
}

export function identityLabels(containerizer: string, id: ContainerIdentity): Record<string, string> {
  return {
    [LABELS.containerizer]: containerizer,
    [LABELS.agentId]: id.agentId,
    [LABELS.frameworkId]: id.frameworkId,
    [LABELS.taskId]: id.taskId,
    [LABELS.containerId]: id.containerId,
  };
}

/** The identity a container's labels claim, or undefined when it is not one of ours. */
export function identityOf(containerizer: string, labels: Record<string, string> | undefined): ContainerIdentity | undefined {
  if (!labels || labels[LABELS.containerizer] !== containerizer) return undefined;
  const agentId = labels[LABELS.agentId];
  const frameworkId = labels[LABELS.frameworkId];
  const taskId = labels[LABELS.taskId];
  const containerId = labels[LABELS.containerId];
  if (!agentId || !frameworkId || !taskId || !containerId) return undefined;
  return { agentId, frameworkId, taskId, containerId };
}
