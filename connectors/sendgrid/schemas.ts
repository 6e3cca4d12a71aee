import { z } from 'zod';

export const sendgridConfig = z.object({
  /** v3 API base URL (EU subusers: https://api.eu.sendgrid.com; tests: a local fake). */
  baseUrl: z.url().default('https://api.sendgrid.com'),
  /** Default sender: a verified Sender Identity or an address of an authenticated domain. */
  from: z.email().optional(),
  fromName: z.string().max(100).optional(),
});

export const sendgridSecrets = z.object({ apiKey: z.string().min(1).describe('API key with the mail.send scope (SG.…)') });

export type SendgridConfig = z.infer<typeof sendgridConfig>;
export type SendgridSecrets = z.infer<typeof sendgridSecrets>;

/** `a@b.co` or `{ email, name }`. */
export const address = z.union([z.email(), z.object({ email: z.email(), name: z.string().max(100).optional() })]);
export type Address = z.infer<typeof address>;

/** SendGrid's `{ email, name? }`. */
export function toAddress(a: Address): { email: string; name?: string } {
  return typeof a === 'string' ? { email: a } : { email: a.email, ...(a.name ? { name: a.name } : {}) };
}
