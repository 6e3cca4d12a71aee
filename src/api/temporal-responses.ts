/**
 * OpenAPI responses of the Idempotency-Key routes (the error middleware answers them, see
 * `toApiError`). 503 TEMPORAL_UNAVAILABLE is declared by `temporal: true` on a route.
 */
import { errorBodySchema } from './http.ts';

/** `422 IDEMPOTENCY_KEY_REUSED`: the Idempotency-Key already names a run started by a different request. */
export const idempotencyKeyReusedResponse = {
  422: { description: 'IDEMPOTENCY_KEY_REUSED: this Idempotency-Key was used for a different request; nothing was run', schema: errorBodySchema },
} as const;
