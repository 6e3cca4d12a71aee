/**
 * OpenAPI responses that routes backed by Temporal share: the error middleware answers
 * them (see `toApiError`), so every such route declares them.
 */
import { errorBodySchema } from './http.ts';

/** `503 TEMPORAL_UNAVAILABLE` with `Retry-After`: Temporal is down or did not answer within its deadline. */
export const temporalUnavailableResponse = {
  503: { description: 'TEMPORAL_UNAVAILABLE: Temporal is not reachable; retry after the Retry-After seconds', schema: errorBodySchema },
} as const;

/** `422 IDEMPOTENCY_KEY_REUSED`: the Idempotency-Key already names a run started by a different request. */
export const idempotencyKeyReusedResponse = {
  422: { description: 'IDEMPOTENCY_KEY_REUSED: this Idempotency-Key was used for a different request; nothing was run', schema: errorBodySchema },
} as const;
