import { describe, expect, it } from "vitest";
import { argv, captureIo } from "./__fixtures__/io.js";
import { main } from "./program.js";

async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  const c = captureIo(env);
  const code = await main(argv(...args), c.io);
  return { code, out: c.out(), err: c.err() };
}

describe("tessera command line", () => {
  it("lists every command in --help and exits 0", async () => {
    const r = await cli(["--help"]);
    expect(r.code).toBe(0);
    for (const cmd of ["up", "master", "agent", "run", "state", "tasks", "agents", "frameworks", "modules"]) {
      expect(r.out).toMatch(new RegExp(`^  ${cmd}\\b`, "m"));
    }
  });

  it("refuses an unknown command with exit 2 and a suggestion", async () => {
    const r = await cli(["stat"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("unknown command 'stat'");
    expect(r.err).toContain("Did you mean state?");
  });

  it("refuses bad --resources with exit 2, naming the flag and the bad resource", async () => {
    const r = await cli(["agent", "--resources", "cpus:4;ports:[32000-31000]"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("option '--resources <text>' argument 'cpus:4;ports:[32000-31000]' is invalid");
    expect(r.err).toContain('resource "ports:[32000-31000]": range [32000-31000] is empty');
  });

  it("refuses bad --attributes, --port, --agents and --cpus with exit 2", async () => {
    const cases: [string[], RegExp][] = [
      [["agent", "--attributes", "rack:a;zone"], /--attributes\[1\] "zone": expected name:value/],
      [["master", "--port", "70000"], /'--port <port>' argument '70000' is invalid. expected a TCP port/],
      [["up", "--agents", "two"], /'--agents <n>' argument 'two' is invalid/],
      [["run", "--cpus", "-1", "--", "true"], /'--cpus <n>' argument '-1' is invalid. expected a number greater than 0/],
      [["up", "--frobnicate"], /unknown option '--frobnicate'/],
      [["run"], /missing required argument 'command'/],
    ];
    for (const [args, message] of cases) {
      const r = await cli(args);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.err).toMatch(message);
    }
  });

  it("refuses a $TESSERA_MASTER or --master that is not a URL", async () => {
    const env = await cli(["state"], { TESSERA_MASTER: "localhost:5050" });
    expect(env.code).toBe(2);
    expect(env.err).toContain("$TESSERA_MASTER: the URL must start with http:// or https://");
    const flag = await cli(["--master", "nope", "tasks"]);
    expect(flag.code).toBe(2);
    expect(flag.err).toContain("option '--master <url>' argument 'nope' is invalid");
  });

  it("says which address did not answer when the master is down, exit 1", async () => {
    const r = await cli(["--master", "http://127.0.0.1:1", "agents"]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("nothing answers at 127.0.0.1:1 (connection refused)");
  });
});
