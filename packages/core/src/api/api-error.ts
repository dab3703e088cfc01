/** A request the API refuses; `status` is the HTTP status the server should answer with. */
export class ApiError extends Error {
  override readonly name = "ApiError";

  constructor(
    message: string,
    readonly status: number = 400,
  ) {
    super(message);
  }
}
