#!/usr/bin/env node
// Runs the demo against a running cluster: tessera-demo [master-url]
import { runDemo } from "./demo.js";

const master = process.argv[2] ?? process.env.TESSERA_MASTER ?? "http://127.0.0.1:5050";
const demo = runDemo({ master });
const stop = (): void => void demo.stop().finally(() => process.exit(0));
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
demo.done.catch((err: Error) => {
  process.stderr.write(`tessera-demo: ${err.message}\n`);
  process.exit(1);
});
