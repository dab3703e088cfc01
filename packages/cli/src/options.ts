import { InvalidArgumentError } from "commander";
import { parseAttributes, Resources } from "@tessera/core";

// Parsers for flag values: each throws InvalidArgumentError, which commander reports as
// `option '--port <port>' argument 'x' is invalid. <reason>` and the CLI turns into exit 2.

export function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new InvalidArgumentError("expected a TCP port 0-65535 (0 picks a free one).");
  return n;
}

export function parseCount(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 64) throw new InvalidArgumentError("expected a whole number from 1 to 64.");
  return n;
}

export function parsePositive(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError("expected a number greater than 0.");
  return n;
}

export function parseMasterUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError("expected a URL such as http://127.0.0.1:5050.");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new InvalidArgumentError("the URL must start with http:// or https://.");
  return url.href.replace(/\/$/, "");
}

/** Checks Mesos resource text ("cpus:4;mem:4096;ports:[31000-32000]") and keeps it as text. */
export function parseResourcesText(value: string): string {
  try {
    Resources.parse(value);
  } catch (err) {
    throw new InvalidArgumentError(`${(err as Error).message}.`);
  }
  return value;
}

/** Checks Mesos attribute text ("rack:a;zone:z1;slots:[1-4]") with the agent's own parser, and keeps it as text. */
export function parseAttributesText(value: string): string {
  try {
    parseAttributes(value);
  } catch (err) {
    throw new InvalidArgumentError(`${(err as Error).message}.`);
  }
  return value;
}
