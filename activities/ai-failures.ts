/**
 * The activity boundary of the AI steps: every failure leaves as an ApplicationFailure
 * whose type is our error code, non-retryable when the code says so, with
 * `nextRetryDelay` from the provider's Retry-After.
 */
import { ApplicationFailure } from '@temporalio/common';
import { ConnectorError } from '../connectors/sdk/errors.ts';
import { toConnectorError } from '../connectors/sdk/provider-errors.ts';

export function toActivityFailure(err: unknown, what: string): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  const e: ConnectorError = err instanceof ConnectorError ? err : toConnectorError(err, what);
  return ApplicationFailure.create({
    type: e.code,
    message: e.message,
    nonRetryable: !e.retryable,
    ...(e.options.retryAfterMs !== undefined ? { nextRetryDelay: e.options.retryAfterMs } : {}),
    ...(e.options.details !== undefined ? { details: [e.options.details] } : {}),
  });
}

/** Runs `fn`, translating any failure at the boundary. */
export async function withActivityFailures<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toActivityFailure(err, what);
  }
}
