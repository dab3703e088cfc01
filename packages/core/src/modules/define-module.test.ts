import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineModule, isModuleDefinition, moduleOptionsJsonSchema } from "./define-module.js";

const spec = {
  name: "@acme/example",
  apiVersion: "^1.0.0",
  roles: ["agent"] as const,
  options: z.strictObject({ ports: z.number().int().default(4) }),
  register() {},
};

describe("defineModule", () => {
  it("returns a frozen, branded definition the loader recognises, and look-alikes are not", () => {
    const def = defineModule(spec);
    expect(isModuleDefinition(def)).toBe(true);
    expect(Object.isFrozen(def)).toBe(true);
    expect(Object.isFrozen(def.roles)).toBe(true);
    expect(isModuleDefinition({ ...spec })).toBe(false);
    expect(isModuleDefinition(null)).toBe(false);
  });

  it("recognises a definition made by another copy of the core (the brand is a registered symbol)", () => {
    const foreign = { ...spec, [Symbol.for("@tessera/core.module-definition")]: true };
    expect(isModuleDefinition(foreign)).toBe(true);
  });

  it("refuses a malformed declaration, naming the module and the field", () => {
    expect(() => defineModule({ ...spec, apiVersion: "one" })).toThrow('defineModule("@acme/example"): apiVersion must be a semver range such as "^1.0.0", got "one"');
    expect(() => defineModule({ ...spec, roles: ["scheduler" as "agent"] })).toThrow('defineModule("@acme/example"): roles must list "master" and/or "agent", got ["scheduler"]');
    expect(() => defineModule({ ...spec, name: " " })).toThrow('defineModule(?): name must be a non-empty string');
    expect(() => defineModule({ ...spec, options: { parse() {} } as never })).toThrow("options must be a zod 4 schema");
    expect(() => defineModule({ ...spec, hooks: ["isolaton" as "isolation"] })).toThrow('hooks must list hook groups');
  });

  it("exports the options' JSON Schema as an operator writes them (defaults make keys optional)", () => {
    expect(moduleOptionsJsonSchema(defineModule(spec))).toEqual({
      $schema: "https://json-schema.org/draft/2020-12/schema",
      type: "object",
      properties: { ports: { type: "integer", default: 4, minimum: -9007199254740991, maximum: 9007199254740991 } },
      additionalProperties: false,
    });
  });
});
