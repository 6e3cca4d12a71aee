import { z } from 'zod';

export const httpConfig = z.object({
  /** Relative request URLs resolve against it. */
  baseUrl: z.url().optional(),
  defaultHeaders: z.record(z.string(), z.string()).default({}),
  /**
   * Header that carries the step's idempotency key (stable across retries of one step) on
   * POST, PUT, PATCH and DELETE requests, so the receiver can drop repeats; `false` sends none.
   */
  idempotencyKeyHeader: z
    .union([z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be an HTTP header name'), z.literal(false)])
    .default('Idempotency-Key')
    .describe('header carrying the step idempotency key on non-GET requests; false to send none'),
});

export const httpSecrets = z.object({
  bearerToken: z.string().min(1).optional(),
  basicAuth: z.object({ username: z.string(), password: z.string() }).optional(),
});

export type HttpConfig = z.infer<typeof httpConfig>;
export type HttpSecrets = z.infer<typeof httpSecrets>;
