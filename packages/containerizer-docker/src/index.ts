// Public API of @tessera/containerizer-docker.
export {};
