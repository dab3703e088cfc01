// Writes options.schema.json (shipped in the package) from the module's zod options schema.
import { writeFileSync } from "node:fs";
import { optionsJsonSchema } from "../src/module.js";

const file = new URL("../options.schema.json", import.meta.url);
writeFileSync(file, `${JSON.stringify(optionsJsonSchema, null, 2)}\n`);
console.log(`wrote ${file.pathname}`);
