import { readFileSync } from "node:fs";
import { createAgentHooks, isModuleDefinition, moduleOptionsJsonSchema } from "@tessera/core";
import { describe, expect, it } from "vitest";
import dockerModule, { isDockerTask, optionsJsonSchema } from "./index.js";
import { DockerOptions } from "./options.js";

describe("the module definition", () => {
  it("is a defineModule export for agents with a semver API range", () => {
    expect(isModuleDefinition(dockerModule)).toBe(true);
    expect(dockerModule.name).toBe("@tessera/containerizer-docker");
    expect(dockerModule.roles).toEqual(["agent"]);
    expect(dockerModule.apiVersion).toBe("^1.0.0");
  });

  it("claims DOCKER tasks only; others stay with the process containerizer", () => {
    expect(isDockerTask({ task_id: { value: "a" }, container: { type: "DOCKER", docker: { image: "x" } } })).toBe(true);
    expect(isDockerTask({ task_id: { value: "b" }, container: { type: "MESOS" } })).toBe(false);
    expect(isDockerTask({ task_id: { value: "c" } })).toBe(false);
  });

  it("applies Mesos-like defaults and refuses bad options naming the key", () => {
    expect(DockerOptions.parse({})).toMatchObject({ defaultNetwork: "HOST", removeContainersOnExit: true, stopTimeoutSeconds: 10, sandboxDirectory: "/mnt/mesos/sandbox" });
    const bad = DockerOptions.safeParse({ stopTimeoutSeconds: -1, dockerHost: "docker.example:2375", bogus: 1 });
    expect(bad.success).toBe(false);
    const where = bad.error!.issues.map((i) => i.path.join(".") || i.message);
    expect(where).toEqual(expect.arrayContaining(["stopTimeoutSeconds", "dockerHost"]));
    expect(bad.error!.issues.some((i) => i.code === "unrecognized_keys")).toBe(true);
    expect(DockerOptions.safeParse({ dockerHost: "unix:///a.sock", socketPath: "/b.sock" }).error?.issues[0]?.message).toBe(
      "give dockerHost or socketPath, not both",
    );
  });

  it("ships its options' JSON Schema, and options.schema.json is that schema", () => {
    expect(optionsJsonSchema).toEqual(moduleOptionsJsonSchema(dockerModule));
    const props = (optionsJsonSchema as { properties: Record<string, unknown> }).properties;
    expect(Object.keys(props)).toEqual(expect.arrayContaining(["dockerHost", "socketPath", "tls", "defaultNetwork", "removeContainersOnExit", "stopTimeoutSeconds"]));
    const shipped = JSON.parse(readFileSync(new URL("../options.schema.json", import.meta.url), "utf8"));
    // Regenerate with `npm run schema -w @tessera/containerizer-docker` when this fails.
    expect(shipped).toEqual(JSON.parse(JSON.stringify(optionsJsonSchema)));
  });

  it("refuses to register when the Engine cannot be reached, saying where it looked", async () => {
    const hooks = createAgentHooks();
    const register = dockerModule.register({
      name: dockerModule.name,
      version: "0.0.0",
      options: DockerOptions.parse({ socketPath: "/nonexistent/docker.sock" }),
      hooks: { containerization: hooks.containerization },
      log: { info() {}, warn() {}, child() { return this; } } as never,
      container: {} as never,
      role: "agent",
    });
    await expect(register).rejects.toThrow(/cannot reach the Docker Engine \(\/nonexistent\/docker.sock\): .*ENOENT/);
  });
});
