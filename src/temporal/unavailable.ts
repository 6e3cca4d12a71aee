/**
 * Recognising "Temporal is down or not answering" in any error a Temporal call throws,
 * so the API can answer `503 TEMPORAL_UNAVAILABLE` with `Retry-After` in one place
 * (the error middleware) instead of per route.
 */
import { status as GrpcStatus } from '@grpc/grpc-js';
import { isGrpcServiceError } from '@temporalio/client';
import { TemporalUnavailableError } from '../errors.ts';

/** Seconds a caller should wait before retrying while Temporal is unavailable. */
export const TEMPORAL_RETRY_AFTER_SECONDS = 5;

/** gRPC statuses that mean the server could not be reached or did not answer in time. */
const UNAVAILABLE_CODES: ReadonlySet<number> = new Set([GrpcStatus.UNAVAILABLE, GrpcStatus.DEADLINE_EXCEEDED]);

/** True when `err` (or an error in its `cause` chain) says Temporal is unreachable or timed out. */
export function isTemporalUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof TemporalUnavailableError) return true;
    if (isGrpcServiceError(e) && UNAVAILABLE_CODES.has(e.code)) return true;
  }
  return false;
}
