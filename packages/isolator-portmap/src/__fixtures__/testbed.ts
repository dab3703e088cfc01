import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { PortmapOptions, type PortmapOptionsInput } from "../options.js";

const NET_TOOL = fileURLToPath(new URL("./net-tool.mjs", import.meta.url));
const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

/**
 * A private stand-in for a machine on a network, so tests never touch the real interfaces: a
 * "host" namespace whose public interface `pub` (10.231.<n>.1/24) is a veth to a "client"
 * namespace (10.231.<n>.2). Every name carries a random suffix; `destroy` removes all of it.
 */
export class Testbed {
  readonly id = randomBytes(3).toString("hex");
  readonly hostNs = `tpmh-${this.id}`;
  readonly clientNs = `tpmc-${this.id}`;
  readonly hostNsPath = `/var/run/netns/${this.hostNs}`;
  readonly clientNsPath = `/var/run/netns/${this.clientNs}`;
  /** Prefix of the isolator's own names in this run (veths t<id><n>, namespaces t<id>-<container>). */
  readonly prefix = `t${this.id}`;
  readonly subnet = 1 + (Number.parseInt(this.id, 16) % 250);
  readonly hostIp = `10.231.${this.subnet}.1`;
  readonly clientIp = `10.231.${this.subnet}.2`;
  readonly stateDir = mkdtempSync(join(tmpdir(), "tpm-state-"));
  private readonly procs = new Set<ChildProcess>();

  static create(): Testbed {
    const bed = new Testbed();
    try {
      bed.setUp();
    } catch (err) {
      bed.destroy();
      throw err;
    }
    return bed;
  }

  private setUp(): void {
    sh("ip", ["netns", "add", this.hostNs]);
    sh("ip", ["netns", "add", this.clientNs]);
    sh("ip", ["-n", this.hostNs, "link", "add", "pub", "type", "veth", "peer", "name", "cli", "netns", this.clientNs]);
    for (const [ns, dev, ip] of [
      [this.hostNs, "pub", this.hostIp],
      [this.clientNs, "cli", this.clientIp],
    ] as const) {
      sh("ip", ["-n", ns, "addr", "add", `${ip}/24`, "dev", dev]);
      sh("ip", ["-n", ns, "link", "set", dev, "up"]);
      sh("ip", ["-n", ns, "link", "set", "lo", "up"]);
    }
    // The host keeps its own ephemeral ports clear of the containers' pool, as an operator must.
    sh("ip", ["netns", "exec", this.hostNs, "sh", "-c", "echo '50000 60999' > /proc/sys/net/ipv4/ip_local_port_range"]);
  }

  /** Isolator options for this bed; the test's own settings win. */
  options(extra: PortmapOptionsInput = {}): PortmapOptions {
    return PortmapOptions.parse({
      hostNetns: this.hostNsPath,
      publicInterface: "pub",
      ports: "[31000-31999]",
      ephemeralPorts: "[40960-49151]",
      ephemeralPortsPerContainer: 1024,
      stateDir: this.stateDir,
      namePrefix: this.prefix,
      ...extra,
    });
  }

  /** Starts net-tool inside a namespace; resolves with its first JSON line (e.g. {"listening"}). */
  async start(netnsPath: string, args: string[]): Promise<Tool> {
    const child = spawn("nsenter", [`--net=${netnsPath}`, process.execPath, NET_TOOL, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    this.procs.add(child);
    child.on("exit", () => this.procs.delete(child));
    const tool = new Tool(child);
    await tool.next(10_000);
    return tool;
  }

  /** Runs net-tool to completion inside a namespace and returns its last JSON line. */
  async run(netnsPath: string, args: string[], timeoutMs = 15_000): Promise<Record<string, unknown>> {
    const child = spawn("nsenter", [`--net=${netnsPath}`, process.execPath, NET_TOOL, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    this.procs.add(child);
    const tool = new Tool(child);
    const exited = new Promise<void>((res) => child.on("exit", () => res()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    await exited;
    clearTimeout(timer);
    this.procs.delete(child);
    const last = tool.lines.at(-1);
    if (!last) throw new Error(`net-tool ${args.join(" ")} printed nothing: ${tool.stderr}`);
    return last;
  }

  /** Connects from the client namespace to the host's address. */
  connectFromClient(port: number, timeoutMs = 1500): Promise<Record<string, unknown>> {
    return this.run(this.clientNsPath, ["connect", this.hostIp, String(port), String(timeoutMs)]);
  }

  /** `ip`/`tc` output inside the host namespace. */
  inHost(cmd: "ip" | "tc", args: string[]): string {
    return sh(cmd, ["-n", this.hostNs, ...args]);
  }

  /** Any command, its stdout. */
  exec(cmd: string, args: string[]): string {
    return sh(cmd, args);
  }

  kill(tool: Tool): void {
    tool.child.kill("SIGKILL");
  }

  /** Removes everything the bed and the isolator under test may have left, even after a failure. */
  destroy(): void {
    for (const p of this.procs) p.kill("SIGKILL");
    const quiet = (cmd: string, args: string[]) => {
      try {
        sh(cmd, args);
      } catch {
        // already gone
      }
    };
    for (const ns of sh("ip", ["netns", "list"]).split("\n").map((l) => l.split(" ")[0]!)) {
      if (ns.startsWith(`${this.prefix}-`)) quiet("ip", ["netns", "del", ns]);
    }
    quiet("ip", ["netns", "del", this.hostNs]);
    quiet("ip", ["netns", "del", this.clientNs]);
    rmSync(this.stateDir, { recursive: true, force: true });
  }
}

/** A net-tool process and the JSON lines it printed. */
export class Tool {
  readonly lines: Array<Record<string, unknown>> = [];
  stderr = "";
  private waiters: Array<(l: Record<string, unknown>) => void> = [];

  constructor(readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on("line", (line) => {
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      this.lines.push(parsed);
      this.waiters.shift()?.(parsed);
    });
    child.stderr!.on("data", (d: Buffer) => (this.stderr += d.toString()));
  }

  /** The next line printed from now on. */
  next(timeoutMs: number): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`net-tool printed nothing within ${timeoutMs} ms: ${this.stderr}`)), timeoutMs);
      this.waiters.push((l) => {
        clearTimeout(timer);
        resolve(l);
      });
    });
  }

  /** How many connections a `serve` tool accepted so far. */
  accepted(): number {
    return this.lines.filter((l) => "accepted" in l).length;
  }
}
