// Runs every benchmark in this folder, one after another, each printing its own lines.
import { readdirSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const only = process.argv.slice(2);
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
