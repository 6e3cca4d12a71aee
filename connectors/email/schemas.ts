import { z } from 'zod';

export const emailConfig = z.object({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(587),
  /** true: TLS from the first byte (465); false: STARTTLS when offered. */
  secure: z.boolean().default(false),
  from: z.string().min(3).describe('"Name <address>" or an address'),
  /** Refuse to send without STARTTLS (set false only for trusted local relays). */
  requireTls: z.boolean().default(false),
});

export const emailSecrets = z.object({ username: z.string().optional(), password: z.string().optional() });

export type EmailConfig = z.infer<typeof emailConfig>;
export type EmailSecrets = z.infer<typeof emailSecrets>;
