// Public API of @tessera/isolator-portmap.
export {};
