import { z } from 'zod';
import { webhookConfigShape } from '../sdk/webhook.ts';

/** E.164: `+`, country code, subscriber number; 15 digits at most. */
export const E164 = /^\+[1-9]\d{1,14}$/;
export const e164 = () => z.string().regex(E164, 'must be an E.164 phone number (+14155550100)');
export const messagingServiceSid = () => z.string().regex(/^MG[0-9a-fA-F]{32}$/, 'must be a Messaging Service SID (MG + 32 hex digits)');

export const twilioConfig = z.object({
  ...webhookConfigShape,
  /**
   * Account SID (AC + 32 hex digits): needed by the actions and the connection test,
   * not by the webhook trigger. Left loose here so webhook-only connections stay
   * valid; the client checks it when it calls the API.
   */
  accountSid: z.string().optional().describe('Account SID (AC…), needed to send messages'),
  /** REST API base URL (tests point it at a local fake). */
  baseUrl: z.url().default('https://api.twilio.com'),
  /** Default sender of `send_sms` when the input names none. */
  from: e164().optional().describe('Default sender number (E.164)'),
  /** Default Messaging Service of `send_sms` when the input names no sender. */
  messagingServiceSid: messagingServiceSid().optional().describe('Default Messaging Service SID (MG…)'),
  webhookUrl: z.url().optional().describe('The exact URL configured in Twilio, when it differs from SWITCHBOARD_PUBLIC_URL + path'),
});

export const twilioSecrets = z.object({
  /**
   * Auth token(s). Webhooks accept a signature by any of them (rotation); API calls
   * authenticate with the first, the current one.
   */
  authToken: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).describe('Auth token (signs callbacks, authenticates API calls; while rotating a list, current first)'),
});

export type TwilioConfig = z.infer<typeof twilioConfig>;
export type TwilioSecrets = z.infer<typeof twilioSecrets>;
