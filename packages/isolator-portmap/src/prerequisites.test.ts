import { describe, expect, it } from "vitest";
import { NetCommandError, NetExec, type RunOptions } from "./net-exec.js";
import { checkHostPrerequisites } from "./prerequisites.js";

/** A machine where some binaries are missing. */
class MachineWithout extends NetExec {
  constructor(private readonly missing: string[]) {
    super();
  }
  override run(command: string, args: readonly string[], _opts?: RunOptions): Promise<string> {
    if (this.missing.includes(command)) return Promise.reject(new NetCommandError(`${command} ${args.join(" ")} failed: spawn ${command} ENOENT`, ""));
    return Promise.resolve(`${command} version`);
  }
}

describe("checkHostPrerequisites", () => {
  it("refuses to start when not root, saying why root is needed", async () => {
    await expect(checkHostPrerequisites(new MachineWithout([]), 1000)).rejects.toThrow(
      "needs root to create network namespaces, veths and tc filters, but runs as uid 1000",
    );
  });

  it("names every missing tool and the package that has it", async () => {
    const err = await checkHostPrerequisites(new MachineWithout(["tc", "nsenter"]), 0).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toContain("`tc` is missing or broken (install iproute2): tc -V failed: spawn tc ENOENT");
    expect((err as Error).message).toContain("`nsenter` is missing or broken (install util-linux)");
    expect((err as Error).message).not.toContain("`ip`");
  });

  it("passes on a machine that has everything", async () => {
    await expect(checkHostPrerequisites(new MachineWithout([]), 0)).resolves.toBeUndefined();
  });
});
