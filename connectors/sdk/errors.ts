/**
 * Error codes of connector and step failures (DESIGN.md). They are the `type` of the
 * Temporal `ApplicationFailure` an activity throws, so retry policies can name them.
 * Pure module: workflows import the lists below. This is the SDK layer's errors file
 * (`ConnectorError`, `WebhookPayloadError`); the other layers have theirs:
 * workflows/errors.ts, src/errors.ts (services), src/api/errors.ts (API).
 *
 * @example
 * throw new ConnectorError(ERROR_CODES.RATE_LIMITED, 'slow down', { retryAfterMs: 2_000 });
 */
export const ERROR_CODES = {
  AUTH_FAILED: 'AUTH_FAILED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  INVALID_INPUT: 'INVALID_INPUT',
  CONFIG_INVALID: 'CONFIG_INVALID',
  SSRF_BLOCKED: 'SSRF_BLOCKED',
  BUDGET_EXCEEDED: 'BUDGET_EXCEEDED',
  RATE_LIMITED: 'RATE_LIMITED',
  TIMEOUT: 'TIMEOUT',
  UPSTREAM_5XX: 'UPSTREAM_5XX',
  TRANSIENT_NETWORK: 'TRANSIENT_NETWORK',
} as const;
/**
 * One of {@link ERROR_CODES}.
 *
 * @example
 * const code: ErrorCode = codeForHttpStatus(res.status) ?? 'UPSTREAM_5XX';
 */
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

/**
 * Codes that no retry can fix: activities fail them as non-retryable.
 *
 * @example
 * const retry = { maximumAttempts: 5, nonRetryableErrorTypes: [...NON_RETRYABLE_CODES] };
 */
export const NON_RETRYABLE_CODES: readonly ErrorCode[] = [
  'AUTH_FAILED',
  'FORBIDDEN',
  'NOT_FOUND',
  'INVALID_INPUT',
  'CONFIG_INVALID',
  'SSRF_BLOCKED',
  'BUDGET_EXCEEDED',
];

/**
 * HTTP status an API answers with when a step fails with the code.
 *
 * @example
 * HTTP_STATUS_OF_CODE.NOT_FOUND // 404
 */
export const HTTP_STATUS_OF_CODE: Record<ErrorCode, number> = {
  AUTH_FAILED: 502,
  FORBIDDEN: 502,
  NOT_FOUND: 404,
  INVALID_INPUT: 400,
  CONFIG_INVALID: 400,
  SSRF_BLOCKED: 400,
  BUDGET_EXCEEDED: 429,
  RATE_LIMITED: 429,
  TIMEOUT: 504,
  UPSTREAM_5XX: 502,
  TRANSIENT_NETWORK: 502,
};

/**
 * True when a retry can fix a failure with the code (it is not in {@link NON_RETRYABLE_CODES}).
 *
 * @example
 * isRetryableCode('RATE_LIMITED') // true; isRetryableCode('AUTH_FAILED') // false
 */
export function isRetryableCode(code: ErrorCode): boolean {
  return !NON_RETRYABLE_CODES.includes(code);
}

/**
 * Thrown by connector code (actions, clients, the SSRF guard) for a failure with a
 * known code. The action activity turns it into an `ApplicationFailure` of that type,
 * non-retryable when the code says so, with `nextRetryDelay` from `retryAfterMs`.
 *
 * @example
 * throw new ConnectorError('AUTH_FAILED', 'Acme rejected the token', { status: 401 });
 */
export class ConnectorError extends Error {
  override readonly name = 'ConnectorError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly options: { status?: number; retryAfterMs?: number; details?: unknown; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
  }
  get retryable(): boolean {
    return isRetryableCode(this.code);
  }
}

/**
 * Maps an upstream HTTP status to a code (undefined for success statuses).
 *
 * @example
 * codeForHttpStatus(429) // 'RATE_LIMITED'; codeForHttpStatus(200) // undefined
 */
export function codeForHttpStatus(status: number): ErrorCode | undefined {
  if (status < 400) return undefined;
  if (status === 401) return 'AUTH_FAILED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404 || status === 410) return 'NOT_FOUND';
  if (status === 408) return 'TIMEOUT';
  if (status === 429) return 'RATE_LIMITED';
  if (status >= 500) return 'UPSTREAM_5XX';
  return 'INVALID_INPUT';
}

/**
 * Thrown by triggers when a verified body cannot be parsed (the endpoint answers 400).
 *
 * @example
 * if (typeof form['payload'] !== 'string') throw new WebhookPayloadError('form body without payload');
 */
export class WebhookPayloadError extends Error {
  override readonly name = 'WebhookPayloadError';
}
