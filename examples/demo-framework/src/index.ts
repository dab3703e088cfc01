// Public API of @tessera-examples/demo-framework.
export {};
