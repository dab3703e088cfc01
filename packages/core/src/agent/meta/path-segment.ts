/** Any id as exactly one directory name: percent-encoded, and "." / ".." spelled with %2E. */
export function pathSegment(id: string): string {
  const e = encodeURIComponent(id);
  return e === "." || e === ".." ? e.replaceAll(".", "%2E") : e;
}
