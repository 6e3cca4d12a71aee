import { z } from 'zod';
import { webhookConfigShape } from '../sdk/index.ts';

/** Signing secrets: one string (commas are part of it), or an array of several while rotating. */
export const signingSecretsSchema = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

/** How a generic sender signs its deliveries when it does not follow Standard Webhooks. */
export const hmacSchemeSchema = z.object({
  header: z.string().min(1).describe('Header carrying the signature, e.g. x-signature'),
  algorithm: z.enum(['sha1', 'sha256', 'sha512']).default('sha256'),
  encoding: z.enum(['hex', 'base64']).default('hex'),
  prefix: z.string().default('').describe('Text before the digest, e.g. sha256='),
});

export const webhookConfigSchema = z.object({
  ...webhookConfigShape,
  scheme: z.enum(['standard-webhooks', 'hmac']).default('standard-webhooks'),
  hmac: hmacSchemeSchema.optional(),
  idHeader: z.string().min(1).optional().describe('HMAC scheme: header with a delivery id (else the SHA-256 of the body)'),
  typeField: z.string().min(1).default('type').describe('Payload field that names the event type'),
});
export type WebhookConfig = z.infer<typeof webhookConfigSchema>;

export const webhookSecretsSchema = z.object({ signingSecret: signingSecretsSchema });
