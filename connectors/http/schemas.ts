import { z } from 'zod';

export const httpConfig = z.object({
  /** Relative request URLs resolve against it. */
  baseUrl: z.url().optional(),
  defaultHeaders: z.record(z.string(), z.string()).default({}),
});

export const httpSecrets = z.object({
  bearerToken: z.string().min(1).optional(),
  basicAuth: z.object({ username: z.string(), password: z.string() }).optional(),
});

export type HttpConfig = z.infer<typeof httpConfig>;
export type HttpSecrets = z.infer<typeof httpSecrets>;
