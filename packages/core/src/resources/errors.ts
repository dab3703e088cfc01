/** One problem found in resource input: where (e.g. `resources[2].ranges.range[0]`) and what. */
export interface ResourceIssue {
  readonly path: string;
  readonly message: string;
}

/** Bad resource input or impossible arithmetic; the message names the offending part. */
export class ResourceError extends Error {
  override readonly name = "ResourceError";
  /** Every problem found, first one also in `message`. */
  readonly issues: readonly ResourceIssue[];

  constructor(message: string, issues: readonly ResourceIssue[] = []) {
    super(message);
    this.issues = issues;
  }

  /** Error for a problem at a path, formatted `path: message`. */
  static at(path: string, message: string): ResourceError {
    return new ResourceError(`${path}: ${message}`, [{ path, message }]);
  }
}
