import { execFile } from "node:child_process";

// iproute2's `ip` and `tc` are driven through execFile (with -json output where they have it):
// no maintained Node library speaks rtnetlink for tc (u32 filters, mirred actions, HTB), and
// the commands are what operators read and debug with anyway.

/** Where a command runs: a network namespace path, or undefined for the agent's own namespace. */
export type Netns = string | undefined;

export class NetCommandError extends Error {
  override readonly name = "NetCommandError";
  constructor(
    message: string,
    readonly stderr: string,
  ) {
    super(message);
  }
}

/** One command of a script: its stdin lines and the error messages that count as success (already gone). */
export interface ScriptStep {
  /** A shell command line, e.g. `ip -batch -` or `nsenter --net=/var/run/netns/x tc -batch -`. */
  cmd: string;
  input?: readonly string[];
  tolerate?: readonly string[];
}

export interface RunOptions {
  /** Run inside this network namespace (a bind-mounted namespace file), via nsenter. */
  netns?: Netns;
  /** Written to the command's stdin. */
  input?: string;
}

/** Runs ip, tc and small shell scripts, optionally inside a network namespace. */
export class NetExec {
  constructor(private readonly timeoutMs = 30_000) {}

  run(command: string, args: readonly string[], opts: RunOptions = {}): Promise<string> {
    const argv = opts.netns ? ["nsenter", `--net=${opts.netns}`, "--", command, ...args] : [command, ...args];
    const where = opts.netns ? ` (in netns ${opts.netns})` : "";
    return new Promise((resolve, reject) => {
      const child = execFile(argv[0]!, argv.slice(1), { timeout: this.timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
        if (!err) return resolve(stdout);
        const detail = (stderr || err.message).trim();
        reject(new NetCommandError(`${describe(command, args, opts.input)}${where} failed: ${failedLine(detail, opts.input)}${detail}`, stderr));
      });
      child.stdin?.on("error", () => undefined); // a command that exits early closes its stdin
      child.stdin?.end(opts.input ?? "");
    });
  }

  ip(args: readonly string[], netns?: Netns): Promise<string> {
    return this.run("ip", args, { netns });
  }

  tc(args: readonly string[], netns?: Netns): Promise<string> {
    return this.run("tc", args, { netns });
  }

  /** Parses the output of a `-json` command. */
  async json<T>(command: "ip" | "tc", args: readonly string[], netns?: Netns): Promise<T> {
    const out = await this.run(command, ["-json", ...args], { netns });
    return (out.trim() === "" ? [] : JSON.parse(out)) as T;
  }

  /** Runs many `ip` or `tc` commands in one process (`-batch -`); nothing to do when empty. */
  async batch(command: "ip" | "tc", lines: readonly string[], netns?: Netns): Promise<void> {
    if (lines.length === 0) return;
    await this.run(command, ["-batch", "-"], { netns, input: `${lines.join("\n")}\n` });
  }

  /**
   * Runs many commands in one shell, so a container costs one process spawn from the agent
   * rather than one per command (spawning from a large Node process is the slow part). Stops at
   * the first failure, or with `keepGoing` tries every step; either way the error names each
   * failed step and, for batches, the failed line.
   */
  async script(steps: readonly ScriptStep[], opts: { netns?: Netns; keepGoing?: boolean } = {}): Promise<void> {
    if (steps.length === 0) return;
    const body = steps.map((step, i) => stepScript(step, i, opts.keepGoing ?? false)).join("\n");
    try {
      await this.run("sh", ["-c", `tpm_failed=0\n${body}\nexit $tpm_failed\n`], { netns: opts.netns });
    } catch (err) {
      const stderr = err instanceof NetCommandError ? err.stderr : "";
      const failures = [...stderr.matchAll(/^@@fail (\d+)\n([\s\S]*?)(?=^@@fail |(?![\s\S]))/gm)].map((m) => {
        const step = steps[Number(m[1])]!;
        const detail = m[2]!.trim();
        const input = step.input ? `${step.input.join("\n")}\n` : undefined;
        return `${step.cmd} failed: ${failedLine(detail, input)}${detail}`;
      });
      if (failures.length === 0) throw err;
      const where = opts.netns ? ` (in netns ${opts.netns})` : "";
      throw new NetCommandError(`${failures.join("; ")}${where}`, stderr);
    }
  }

  /** A shell script with `set -e`, e.g. sysctl writes under /proc/sys/net of the namespace. */
  async sh(script: string, netns?: Netns): Promise<string> {
    return this.run("sh", ["-ec", script], { netns });
  }
}

const HEREDOC = "TPM_EOF";

function stepScript(step: ScriptStep, index: number, keepGoing: boolean): string {
  const stdin = step.input ? ` <<'${HEREDOC}'\n${step.input.join("\n")}\n${HEREDOC}\n` : "";
  const tolerated = (step.tolerate ?? []).map((t) => `*"${t.replace(/["\\$`]/g, "")}"*) ;;`).join(" ");
  const fail = `printf '@@fail %d\\n%s\\n' ${index} "$tpm_out" >&2; tpm_failed=1;${keepGoing ? "" : " exit 1;"}`;
  return `if ! tpm_out=$(${step.cmd} 2>&1${stdin}); then\n  case "$tpm_out" in ${tolerated} *) ${fail} ;; esac\nfi`;
}

function describe(command: string, args: readonly string[], input: string | undefined): string {
  if (args[0] === "-batch") return `${command} -batch (${input?.split("\n").filter(Boolean).length ?? 0} commands)`;
  if (command === "sh") return "sh script";
  return [command, ...args].join(" ");
}

// `ip -batch`/`tc -batch` report "Command failed -:N"; quote line N so the error says what failed.
function failedLine(stderr: string, input: string | undefined): string {
  const m = /Command failed -:(\d+)/.exec(stderr);
  if (!m || input === undefined) return "";
  const line = input.split("\n")[Number(m[1]) - 1];
  return line === undefined ? "" : `\`${line}\`: `;
}
