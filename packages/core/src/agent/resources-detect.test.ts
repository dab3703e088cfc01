import { mkdtemp, rm } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultResourcesText, detectResources, measureMachine } from "./resources-detect.js";

describe("detectResources", () => {
  it("leaves 1 GB of memory and 5 GB of disk to the OS on big machines", () => {
    expect(defaultResourcesText({ cpus: 8, memMb: 16384, diskMb: 102400 })).toBe(
      "cpus:8;mem:15360;disk:97280;ports:[31000-32000]",
    );
  });

  it("offers half of memory and disk on small machines", () => {
    expect(defaultResourcesText({ cpus: 1, memMb: 1000, diskMb: 4000 })).toBe("cpus:1;mem:500;disk:2000;ports:[31000-32000]");
  });

  it("measures this machine's CPUs and the work dir's file system", async () => {
    const dir = await mkdtemp(join(tmpdir(), "detect-"));
    try {
      const facts = await measureMachine(dir);
      expect(facts.cpus).toBe(cpus().length);
      expect(facts.diskMb).toBeGreaterThan(0);
      expect(await detectResources(dir)).toMatch(new RegExp(`^cpus:${cpus().length};mem:\\d+;disk:\\d+;ports:\\[31000-32000\\]$`));
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});
