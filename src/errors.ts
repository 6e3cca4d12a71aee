/**
 * Errors of the process layer. An {@link ApiError} carries the HTTP status and the
 * machine-readable code that the error middleware puts into
 * `{ "error": { "code", "message" } }`.
 */

/** Thrown by API handlers to answer with a given status and code. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export const notFound = (what: string): ApiError => new ApiError(404, 'NOT_FOUND', `${what} not found`);
export const badRequest = (message: string, details?: unknown): ApiError =>
  new ApiError(400, 'INVALID_INPUT', message, details);
export const conflict = (message: string): ApiError => new ApiError(409, 'CONFLICT', message);
