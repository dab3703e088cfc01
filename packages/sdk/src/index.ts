// Public API of @tessera/sdk.
export {};
