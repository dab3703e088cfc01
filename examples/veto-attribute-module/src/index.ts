// Public API of @acme/tessera-veto-attribute.
export {};
