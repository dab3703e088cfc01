import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Tests import packages by name; point those names at sources so no build is needed first.
const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      "@tessera/core": src("core"),
      "@tessera/sdk": src("sdk"),
      "@tessera/testkit": src("testkit"),
      "@tessera/containerizer-docker": src("containerizer-docker"),
      "@tessera/isolator-portmap": src("isolator-portmap"),
      "@tessera/resource-licenses": src("resource-licenses"),
    },
  },
  test: {
    include: ["packages/*/src/**/*.test.ts", "packages/*/test/**/*.test.ts", "examples/*/src/**/*.test.ts", "examples/*/test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
