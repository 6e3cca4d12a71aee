/** `twilio`: verified Twilio callbacks (actions come with the connectors work). */
import { z } from 'zod';
import { defineConnector, webhookConfigShape } from '../sdk/index.ts';
import { triggers } from './triggers/index.ts';

export default defineConnector({
  key: 'twilio',
  displayName: 'Twilio',
  version: '1.0.0',
  description: 'Twilio SMS and voice callbacks delivered as webhooks.',
  config: z.object({
    ...webhookConfigShape,
    accountSid: z.string().optional(),
    webhookUrl: z.url().optional().describe('The exact URL configured in Twilio, when it differs from SWITCHBOARD_PUBLIC_URL + path'),
  }),
  secrets: z.object({
    authToken: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).describe('Auth token (signs callbacks)'),
  }),
  actions: {},
  triggers,
});
