/** The registry refused an operation, e.g. re-admitting an agent that was marked gone. */
export class RegistryError extends Error {
  override readonly name = "RegistryError";
}

/** A stored value does not parse or does not match its schema; `key` says which one. */
export class RegistryCorruptError extends Error {
  override readonly name = "RegistryCorruptError";

  constructor(
    readonly key: string,
    detail: string,
  ) {
    super(`registry: value at "${key}" is corrupt: ${detail}`);
  }
}
