import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { eventually } from "@tessera/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { argv, captureIo } from "../__fixtures__/io.js";
import { main } from "../program.js";

// By path: tests run from sources, so there is no built package to resolve by name.
const LICENSES = fileURLToPath(new URL("../../../resource-licenses/src/index.ts", import.meta.url));
const AGENT_MODULE = fileURLToPath(new URL("../__fixtures__/agent-module.ts", import.meta.url));

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const getJson = async (url: string): Promise<unknown> => (await fetch(url)).json();

describe("tessera up --config", () => {
  it("starts with a master-only and an agent-only module in one config: each node loads its own, the agent skips the master's", async () => {
    const dir = await mkdtemp(join(tmpdir(), "tessera-up-config-"));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const config = join(dir, "tessera.yaml");
    await writeFile(
      config,
      [
        "modules:",
        `  - name: ${LICENSES}`,
        "    enabled_for: [resourceProviders, allocation, masterLifecycle]",
        "    options: { licenses: { matlab: 2 } }",
        `  - name: ${AGENT_MODULE}`,
        "    enabled_for: [agentLifecycle]",
      ].join("\n"),
    );
    const c = captureIo();
    let code: number | undefined;
    const exit = main(argv("up", "--agents", "1", "--port", "0", "--work-dir", dir, "--config", config, "--resources", "cpus:1;mem:512;disk:512"), c.io).then(
      (n) => (code = n),
    );
    cleanup.push(async () => {
      c.stop();
      await exit;
    });

    // An early exit fails at once; eventually would count a throwing check as "not yet".
    const agentUrl = await Promise.race([
      eventually("agent 1 started", () => /agent 1 +(http:\/\/\S+)/.exec(c.out())?.[1]),
      exit.then((n) => Promise.reject(new Error(`tessera up exited ${n}: ${c.err()}`))),
    ]);
    const masterUrl = /master +(http:\/\/\S+)/.exec(c.out())![1]!;

    const master = (await getJson(`${masterUrl}/modules`)) as { modules: Array<{ name: string }> };
    expect(master.modules.map((m) => m.name)).toEqual(["@tessera/resource-licenses"]);
    const agent = (await getJson(`${agentUrl}/modules`)) as Array<{ name: string; enabled_for: string[] }>;
    expect(agent.map((m) => [m.name, m.enabled_for])).toEqual([["@fixture/agent-launch-counter", ["agentLifecycle"]]]);

    const skippedLine = (log: string) => async () =>
      (await readFile(join(dir, log), "utf8").catch(() => ""))
        .split("\n")
        .find((l) => l.includes('"msg":"skipped module '));
    const agentLine = await eventually("the agent's skip line", skippedLine("agent-1.log"));
    expect(JSON.parse(agentLine)).toMatchObject({ level: 30, module: "@tessera/resource-licenses", roles: ["master"], role: "agent" });
    const masterLine = await eventually("the master's skip line", skippedLine("master.log"));
    expect(JSON.parse(masterLine)).toMatchObject({ module: "@fixture/agent-launch-counter", roles: ["agent"], role: "master" });

    c.stop();
    await exit;
    expect(code).toBe(0);
  }, 60_000);
});
