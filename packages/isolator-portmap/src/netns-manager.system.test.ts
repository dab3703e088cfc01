import { mkdtempSync, rmSync } from "node:fs";
import { readlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { binary, checkPrerequisites, root } from "@tessera/testkit";
import { afterAll, describe, expect, it } from "vitest";
import { NetExec } from "./net-exec.js";
import { NetnsManager } from "./netns-manager.js";

const { run } = checkPrerequisites("isolator-portmap: namespaces in a custom directory", [root, binary("unshare", ["--version"]), binary("nsenter", ["--version"])]);

describe.skipIf(!run)("NetnsManager with a netnsDir of its own", () => {
  const dir = mkdtempSync(join(tmpdir(), "tpm-netns-"));
  const exec = new NetExec();
  const netns = new NetnsManager(exec, dir);
  afterAll(async () => {
    for (const n of await netns.list("")) await netns.remove(n).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it("creates a namespace that outlives every process, and removes it", async () => {
    const path = await netns.create("tpmx-a");
    expect(await netns.exists("tpmx-a")).toBe(true);
    expect(await netns.list("tpmx-")).toEqual(["tpmx-a"]);
    // A process entering it sees the namespace the file holds, not the test's own.
    const inside = (await exec.sh("readlink /proc/self/ns/net", path)).trim();
    expect(inside).toBe(`net:[${await netns.inode("tpmx-a")}]`);
    expect(inside).not.toBe(await readlink("/proc/self/ns/net"));
    await expect(netns.create("tpmx-a")).rejects.toThrow();
    await netns.remove("tpmx-a");
    await netns.remove("tpmx-a");
    expect(await netns.exists("tpmx-a")).toBe(false);
    expect(await netns.list("tpmx-")).toEqual([]);
  });

  it("does the same as script steps, and drops a placeholder a crash left", async () => {
    await exec.script([await netns.createStep("tpmx-b")]);
    expect(await netns.exists("tpmx-b")).toBe(true);
    const remove = await netns.removeStep("tpmx-b");
    await exec.script([remove!]);
    expect(await netns.list("tpmx-")).toEqual([]);
    await exec.sh(`touch ${join(dir, "tpmx-c")}`);
    expect(await netns.exists("tpmx-c")).toBe(false);
    expect(await netns.removeStep("tpmx-c")).toBeUndefined();
    expect(await netns.list("tpmx-")).toEqual([]);
  });
});
