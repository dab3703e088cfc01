import { createWriteStream, type WriteStream } from "node:fs";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { Readable, Transform, type Writable } from "node:stream";
import type Docker from "dockerode";

/** Copies a container's output into its sandbox's `stdout` and `stderr` files. */
export interface OutputPump {
  /** Resolves once the container's output ended and everything is on disk. */
  readonly done: Promise<void>;
  /** Stops copying (agent shutdown); `done` resolves. */
  stop(): void;
}

function sandboxFiles(sandbox: string): { stdout: WriteStream; stderr: WriteStream } {
  return {
    stdout: createWriteStream(join(sandbox, "stdout"), { flags: "a" }),
    stderr: createWriteStream(join(sandbox, "stderr"), { flags: "a" }),
  };
}

function finished(w: Writable): Promise<void> {
  return new Promise((resolve) => {
    if (w.writableFinished || w.destroyed) return resolve();
    w.once("finish", resolve);
    w.once("close", resolve);
    w.once("error", () => resolve());
  });
}

/** `out`/`err` receive the demuxed records; `files` are what must be flushed before `done`. */
function pump(docker: Docker, source: NodeJS.ReadableStream, out: Writable, err: Writable, files: Writable[]): OutputPump {
  docker.modem.demuxStream(source, out, err);
  const ended = new Promise<void>((resolve) => {
    source.once("end", resolve);
    source.once("close", resolve);
    source.once("error", () => resolve());
  });
  const done = ended.then(async () => {
    out.end();
    err.end();
    await Promise.all(files.map(finished));
  });
  return {
    done,
    stop: () => (source as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.(),
  };
}

/** Attach before start: the Engine then streams everything the container writes, from its first byte. */
export async function attachOutput(docker: Docker, container: Docker.Container, sandbox: string): Promise<OutputPump> {
  const files = sandboxFiles(sandbox);
  const source = await container.attach({ stream: true, stdout: true, stderr: true, logs: false });
  return pump(docker, source, files.stdout, files.stderr, [files.stdout, files.stderr]);
}

// The files hold exactly what was copied before the agent went down, so the first `bytes` of the
// replayed log are already there: counting bytes is exact where timestamps (coarse file mtimes,
// clocks) would duplicate or drop lines.
function skipFirst(bytes: number): Transform {
  let left = bytes;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      if (left <= 0) return cb(null, chunk);
      const n = Math.min(left, chunk.length);
      left -= n;
      cb(null, n < chunk.length ? chunk.subarray(n) : undefined);
    },
  });
}

async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}

/**
 * After an agent restart: replay the container's log from the Engine, append what the sandbox
 * files do not have yet, and keep following while it runs (`follow`). Needs a log driver the
 * Engine can read back (json-file, local, journald: the default is json-file).
 */
export async function resumeOutput(
  docker: Docker,
  container: Docker.Container,
  sandbox: string,
  follow: boolean,
): Promise<OutputPump> {
  const [outHave, errHave] = await Promise.all([sizeOf(join(sandbox, "stdout")), sizeOf(join(sandbox, "stderr"))]);
  const files = sandboxFiles(sandbox);
  const out = skipFirst(outHave);
  const err = skipFirst(errHave);
  out.pipe(files.stdout);
  err.pipe(files.stderr);
  // dockerode types `follow` as a literal; the two overloads return a stream or a buffer.
  const source = (await container.logs({ follow: follow as true, stdout: true, stderr: true })) as NodeJS.ReadableStream | Buffer;
  const stream = Buffer.isBuffer(source) ? Readable.from([source]) : source;
  return pump(docker, stream, out, err, [files.stdout, files.stderr]);
}
