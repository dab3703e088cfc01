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

// Docker prefixes each record with an RFC 3339 timestamp when asked; drop what the files already hold.
function after(sinceMs: number): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      const space = chunk.indexOf(0x20);
      const at = space > 0 ? Date.parse(chunk.subarray(0, space).toString("latin1")) : Number.NaN;
      if (Number.isNaN(at)) cb(null, chunk);
      else cb(null, at > sinceMs ? chunk.subarray(space + 1) : undefined);
    },
  });
}

async function mtimeMs(file: string): Promise<number> {
  try {
    return (await stat(file)).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * After an agent restart: copy what the container wrote since the sandbox files were last
 * written (their mtime), and keep following while it runs (`follow`). Needs a log driver the
 * Engine can read back (json-file, local, journald), the default.
 */
export async function resumeOutput(
  docker: Docker,
  container: Docker.Container,
  sandbox: string,
  follow: boolean,
): Promise<OutputPump> {
  const [outSince, errSince] = await Promise.all([mtimeMs(join(sandbox, "stdout")), mtimeMs(join(sandbox, "stderr"))]);
  const files = sandboxFiles(sandbox);
  const out = after(outSince);
  const err = after(errSince);
  out.pipe(files.stdout);
  err.pipe(files.stderr);
  const since = Math.floor(Math.min(outSince, errSince) / 1000);
  // dockerode types `follow` as a literal; the two overloads return a stream or a buffer.
  const source = (await container.logs({ follow: follow as true, stdout: true, stderr: true, timestamps: true, since })) as
    | NodeJS.ReadableStream
    | Buffer;
  const stream = Buffer.isBuffer(source) ? Readable.from([source]) : source;
  return pump(docker, stream, out, err, [files.stdout, files.stderr]);
}
