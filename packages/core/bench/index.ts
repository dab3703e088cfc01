// Runs every benchmark in this folder, one after another, each printing its own lines.
import "reflect-metadata";
import { readdirSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

// `--dir <folder>` lets another package run its own bench folder with this runner.
const args = process.argv.slice(2);
const dirAt = args.indexOf("--dir");
const here = dirAt >= 0 ? `${resolve(args[dirAt + 1] ?? ".")}/` : fileURLToPath(new URL(".", import.meta.url));
const only = dirAt >= 0 ? args.filter((_, i) => i !== dirAt && i !== dirAt + 1) : args;
const files = readdirSync(here)
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

for (const file of files) {
  const mod = (await import(pathToFileURL(here + file).href)) as { run?: () => Promise<void> };
  if (typeof mod.run !== "function") throw new Error(`bench/${file} must export run()`);
  console.log(`# ${file}`);
  await mod.run();
}
