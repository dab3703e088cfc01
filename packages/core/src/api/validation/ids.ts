// Stateless name rules Mesos applies to IDs (common/validation.cpp validateID).

/** NAME_MAX on Linux: IDs become directory names in sandboxes. */
const MAX_ID_LENGTH = 255;

/** Why `id` cannot be a task/executor/framework ID, or undefined if it can. */
export function idProblem(id: string): string | undefined {
  if (id.length === 0) return "ID must not be empty";
  if (Buffer.byteLength(id, "utf8") > MAX_ID_LENGTH) return `ID must not be longer than ${MAX_ID_LENGTH} bytes`;
  if (id === "." || id === "..") return `ID ${JSON.stringify(id)} is not allowed`;
  // IDs map to directory names: no control characters, no path separators.
  if (/[\x00-\x1f\x7f/\\]/.test(id)) return `ID ${JSON.stringify(id)} contains a control character or a slash`;
  return undefined;
}
