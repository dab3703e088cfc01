// Public API of @tessera/resource-licenses.
export {};
