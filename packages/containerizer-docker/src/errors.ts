/** A task the Docker containerizer refuses to run; the message names the field and the problem. */
export class DockerTaskError extends Error {
  override readonly name = "DockerTaskError";
}

/** The image could not be made available; the message carries the Engine's reason. */
export class ImagePullError extends Error {
  override readonly name = "ImagePullError";
}
