import { fileURLToPath } from "node:url";
import { ModuleLoader, Resources, createMasterHooks, readModulesConfig, type OfferCandidate } from "@tessera/core";
import { describe, expect, it } from "vitest";
import { AttributeVeto, optionsJsonSchema } from "./index.js";

const CONFIG = fileURLToPath(new URL("../tessera.yaml", import.meta.url));

const offerFrom = (hostname: string, attributes: Record<string, string | number>): OfferCandidate => ({
  frameworkId: "fw-1",
  agentId: `agent-${hostname}`,
  role: "*",
  resources: Resources.parse("cpus:4;mem:8192"),
  agent: { id: `agent-${hostname}`, hostname, attributes },
});

describe("@acme/tessera-veto-attribute", () => {
  it("loaded from the example config by package name, vetoes offers from agents in maintenance and no others", async () => {
    const { config, baseDir } = await readModulesConfig(CONFIG);
    const hooks = createMasterHooks();
    const result = await new ModuleLoader().load(config, { role: "master", hooks, resolveFrom: baseDir });

    expect(result.modules.map((m) => m.name)).toEqual(["@acme/tessera-veto-attribute"]);
    expect(result.warnings).toEqual([]);
    expect(hooks.allocation.filterOffer.call(offerFrom("node-7", { maintenance: "true", rack: "r1" }))).toBe("agent is in maintenance");
    expect(hooks.allocation.filterOffer.call(offerFrom("node-8", { maintenance: "false" }))).toBeUndefined();
    expect(hooks.allocation.filterOffer.call(offerFrom("node-9", { rack: "r1" }))).toBeUndefined();
  });

  it("without a value, vetoes any agent carrying the attribute, numbers included", () => {
    const veto = new AttributeVeto({ attribute: "gpu_broken" });
    expect(veto.check(offerFrom("g1", { gpu_broken: 1 }))).toBe("agent g1 has gpu_broken=1");
    expect(veto.check(offerFrom("g2", {}))).toBeUndefined();
  });

  it("ships the JSON Schema of its options", () => {
    expect(optionsJsonSchema).toMatchObject({ type: "object", required: ["attribute"], additionalProperties: false });
  });
});
