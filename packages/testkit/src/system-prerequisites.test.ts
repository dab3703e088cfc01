import { describe, expect, it, vi } from "vitest";
import { binary, checkPrerequisites, MissingPrerequisiteError } from "./system-prerequisites.js";

const absent = binary("tessera-no-such-binary-xyz");
const present = binary("sh", ["-c", "exit 0"]);

describe("checkPrerequisites", () => {
  it("runs the suite when everything is there", () => {
    expect(checkPrerequisites("s", [present], {})).toEqual({ run: true, missing: [] });
  });

  it("skips loudly, naming what is missing, when run by hand", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const result = checkPrerequisites("docker suite", [present, absent], {});
    expect(result.run).toBe(false);
    expect(result.missing).toHaveLength(1);
    expect(warn.mock.calls[0]?.[0]).toMatch(/SKIPPING system test "docker suite" needs tessera-no-such-binary-xyz/);
    warn.mockRestore();
  });

  it("fails instead of skipping under TESSERA_SYSTEM_TESTS=1", () => {
    expect(() => checkPrerequisites("docker suite", [absent], { TESSERA_SYSTEM_TESTS: "1" })).toThrow(MissingPrerequisiteError);
  });
});
