import { readFileSync } from "node:fs";
import Docker from "dockerode";
import type { DockerOptions } from "./options.js";

type ConnectionOptions = Pick<DockerOptions, "dockerHost" | "socketPath" | "tls">;

function readPem(option: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new Error(`option ${option}: cannot read ${file}: ${(err as Error).message}`);
  }
}

/**
 * The Engine client for the options. With neither dockerHost nor socketPath, docker-modem reads
 * DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH as the docker CLI does.
 */
export function createDockerClient(o: ConnectionOptions): Docker {
  const tls = o.tls
    ? {
        ...(o.tls.caFile ? { ca: readPem("tls.caFile", o.tls.caFile) } : {}),
        cert: readPem("tls.certFile", o.tls.certFile),
        key: readPem("tls.keyFile", o.tls.keyFile),
      }
    : {};
  if (o.socketPath) return new Docker({ socketPath: o.socketPath });
  if (!o.dockerHost) return new Docker(o.tls ? tls : undefined);
  const url = new URL(o.dockerHost);
  if (url.protocol === "unix:") return new Docker({ socketPath: url.pathname });
  const protocol = url.protocol === "https:" || o.tls || url.port === "2376" ? "https" : "http";
  return new Docker({ host: url.hostname, port: url.port || (protocol === "https" ? 2376 : 2375), protocol, ...tls });
}
