import type Docker from "dockerode";
import { engineReason, isNotFound } from "./engine-errors.js";
import { ImagePullError } from "./errors.js";

/** One step of a pull, summed over the image's layers. */
export interface PullProgress {
  image: string;
  /** The Engine's latest status line, e.g. "Downloading", "Pull complete". */
  status: string;
  layersDone: number;
  layers: number;
  bytesDone: number;
  bytesTotal: number;
}

export interface EnsureImageOptions {
  /** Pull even when the image is present (DockerInfo.force_pull_image). */
  force: boolean;
  timeoutMs: number;
  onProgress?: (p: PullProgress) => void;
}

interface PullEvent {
  id?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string };
  progressDetail?: { current?: number; total?: number };
}

async function present(docker: Docker, image: string): Promise<boolean> {
  try {
    await docker.getImage(image).inspect();
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw new ImagePullError(`cannot inspect image "${image}": ${engineReason(err)}`);
  }
}

/**
 * Makes the image available locally: pulls it when missing (or when forced), reporting progress.
 * Throws ImagePullError with the Engine's reason; an unreachable registry fails as soon as the
 * Engine says so, and a pull that hangs fails after `timeoutMs`.
 */
export async function ensureImage(docker: Docker, image: string, o: EnsureImageOptions): Promise<{ pulled: boolean }> {
  const local = await present(docker, image);
  if (local && !o.force) return { pulled: false };
  const what = local ? `cannot pull image "${image}"` : `image "${image}" is not on this agent and pulling it failed`;

  let stream: NodeJS.ReadableStream;
  try {
    stream = await docker.pull(image);
  } catch (err) {
    throw new ImagePullError(`${what}: ${engineReason(err)}`);
  }
  const layers = new Map<string, { done: boolean; current: number; total: number }>();
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
      reject(new ImagePullError(`${what}: no result after ${Math.round(o.timeoutMs / 1000)} s (option pullTimeoutSeconds)`));
    }, o.timeoutMs);
    let failure: string | undefined;
    docker.modem.followProgress(
      stream,
      (err: unknown) => {
        clearTimeout(timer);
        if (err || failure) reject(new ImagePullError(`${what}: ${failure ?? engineReason(err)}`));
        else resolve();
      },
      (e: PullEvent) => {
        if (e.error || e.errorDetail?.message) {
          failure ??= (e.errorDetail?.message ?? e.error)!;
          return;
        }
        if (e.id && e.status && !/^(Pulling from|Digest|Status)/.test(e.status)) {
          const layer = layers.get(e.id) ?? { done: false, current: 0, total: 0 };
          if (e.progressDetail?.total) layer.total = e.progressDetail.total;
          if (e.progressDetail?.current !== undefined && /Downloading/.test(e.status)) layer.current = e.progressDetail.current;
          if (/Pull complete|Already exists/.test(e.status)) layer.done = true;
          layers.set(e.id, layer);
        }
        const all = [...layers.values()];
        o.onProgress?.({
          image,
          status: e.status ?? "",
          layersDone: all.filter((l) => l.done).length,
          layers: all.length,
          bytesDone: all.reduce((n, l) => n + (l.done ? l.total : l.current), 0),
          bytesTotal: all.reduce((n, l) => n + l.total, 0),
        });
      },
    );
  });
  return { pulled: true };
}
