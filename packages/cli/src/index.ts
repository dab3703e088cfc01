// Public API of @tessera/cli.
export {};
