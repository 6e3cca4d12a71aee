/** Translates step errors (ConnectorError) and Temporal unavailability for API answers. */
import { ConnectorError, HTTP_STATUS_OF_CODE } from '../../connectors/sdk/errors.ts';
import { ApiError } from '../errors.ts';
import { TEMPORAL_RETRY_AFTER_SECONDS } from '../temporal/unavailable.ts';

export async function asApiErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ConnectorError) throw new ApiError(HTTP_STATUS_OF_CODE[err.code], err.code, err.message);
    throw err;
  }
}

/** Starting a workflow failed because Temporal did not answer: 503 with Retry-After. */
export function temporalUnavailable(err: unknown): ApiError {
  return new ApiError(503, 'TEMPORAL_UNAVAILABLE', `Temporal is not reachable: ${(err as Error).message}`, undefined, { 'Retry-After': String(TEMPORAL_RETRY_AFTER_SECONDS) });
}
