// Public API of @tessera-examples/demo-framework: a small framework written against @tessera/sdk.
export { runDemo, DEMO_TASKS, type DemoOptions, type DemoHandle, type DemoResult } from "./demo.js";
