import { z } from 'zod';

export const postgresConfig = z.object({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(5432),
  database: z.string().min(1),
  user: z.string().min(1),
  ssl: z.boolean().default(false),
  /** Per-statement limit (PostgreSQL statement_timeout). */
  statementTimeoutMs: z.number().int().min(100).max(600_000).default(30_000),
  /** Largest number of rows returned (more fail the step rather than bloat workflow history). */
  maxRows: z.number().int().min(1).max(100_000).default(1_000),
});

export const postgresSecrets = z.object({ password: z.string().optional() });

export type PostgresConfig = z.infer<typeof postgresConfig>;
export type PostgresSecrets = z.infer<typeof postgresSecrets>;
