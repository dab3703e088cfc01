import { describe, expect, it } from "vitest";
import { NetExec } from "./net-exec.js";

// Read-only commands only: these run in the test's own network namespace.
describe("NetExec", () => {
  const exec = new NetExec();

  it("quotes the batch line that failed", async () => {
    const err = await exec.batch("ip", ["link show dev lo", "link show dev no-such-dev0"]).catch((e: Error) => e);
    expect(String(err)).toContain("ip -batch (2 commands) failed: `link show dev no-such-dev0`:");
  });

  it("runs a script's steps in one shell and names the failed step and line", async () => {
    const err = await exec
      .script([{ cmd: "true" }, { cmd: "ip -batch -", input: ["link show dev lo", "link show dev no-such-dev1"] }, { cmd: "echo never >&2; false" }])
      .catch((e: Error) => e);
    expect(String(err)).toMatch(/ip -batch - failed: `link show dev no-such-dev1`: .*no-such-dev1/s);
    expect(String(err)).not.toContain("never");
  });

  it("with keepGoing tries every step, tolerating what counts as already done", async () => {
    const err = await exec
      .script(
        [
          { cmd: "ip link show dev no-such-dev2", tolerate: ["does not exist"] },
          { cmd: "sh -c 'echo first failure >&2; exit 3'" },
          { cmd: "sh -c 'echo second failure >&2; exit 4'" },
        ],
        { keepGoing: true },
      )
      .catch((e: Error) => e);
    expect(String(err)).toContain("failed: first failure; sh -c 'echo second failure >&2; exit 4' failed: second failure");
    expect(String(err)).not.toContain("no-such-dev2");
    await expect(exec.script([{ cmd: "ip link show dev no-such-dev3", tolerate: ["does not exist"] }])).resolves.toBeUndefined();
  });
});
