/** An id that becomes one directory name must not be able to name another directory. */
export function checkPathSegment(what: string, value: string): void {
  if (typeof value !== "string" || value === "") throw new TypeError(`${what}: required, got ${JSON.stringify(value)}`);
  const bad =
    value === "." || value === ".."
      ? `"${value}" is not a directory name`
      : value.includes("/")
        ? 'contains "/"'
        : value.includes("\0")
          ? "contains a NUL byte"
          : undefined;
  if (bad) throw new TypeError(`${what} ${JSON.stringify(value)}: cannot be used as a directory name (${bad})`);
}
