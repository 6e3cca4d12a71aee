import { z } from 'zod';
import { ConnectorError, defineAction } from '../../sdk/index.ts';
import { callTwilio } from '../client.ts';
import { e164, messagingServiceSid, type TwilioConfig } from '../schemas.ts';

/** The Message resource fields the action reads. */
interface TwilioMessage {
  sid: string;
  status: string;
  to: string;
  from: string | null;
}

/** Sender fields: the input's when it names one, else the connection's defaults. */
export function senderOf(input: { from?: string | undefined; messagingServiceSid?: string | undefined }, config: Pick<TwilioConfig, 'from' | 'messagingServiceSid'>): { From?: string; MessagingServiceSid?: string } {
  const source = input.from || input.messagingServiceSid ? input : config;
  const out: { From?: string; MessagingServiceSid?: string } = {};
  if (source.from) out.From = source.from;
  if (source.messagingServiceSid) out.MessagingServiceSid = source.messagingServiceSid;
  if (!out.From && !out.MessagingServiceSid) {
    throw new ConnectorError('CONFIG_INVALID', 'no sender: pass input.from or input.messagingServiceSid, or set config.from or config.messagingServiceSid on the connection');
  }
  return out;
}

export const sendSms = defineAction({
  description: 'Send an SMS (or MMS with mediaUrl) through the Messages API',
  input: z.object({
    to: e164(),
    /** Twilio's limit: 1600 characters (longer bodies are refused, not split). */
    body: z.string().min(1).max(1600),
    /** Sender number; default: the connection's `from` / `messagingServiceSid`. */
    from: e164().optional(),
    messagingServiceSid: messagingServiceSid().optional(),
    /** Public media URL(s) to attach (MMS), at most 10. */
    mediaUrl: z.union([z.url(), z.array(z.url()).min(1).max(10)]).optional(),
  }),
  output: z.object({
    sid: z.string().regex(/^[SM]M[0-9a-fA-F]{32}$/, 'must be a Message SID'),
    status: z.string().min(1),
    to: z.string().min(1),
    /** Absent while a Messaging Service has not picked the sender yet. */
    from: z.string().min(1).optional(),
  }),
  // Not idempotent. The step's key goes out as I-Twilio-Idempotency-Token (the same on
  // every retry), but Twilio documents that header only on the webhooks it sends, not
  // as deduplication of API requests, and its own guidance (error 20500) is that a
  // retried message POST may deliver twice. A 5xx or a timeout after Twilio accepted
  // the message can therefore still mean a duplicate SMS; the token only helps where
  // something on the path dedupes by it.
  idempotent: false,
  async run(ctx, input) {
    const m = await callTwilio<TwilioMessage | undefined>(ctx, 'POST', '/Messages', {
      To: input.to,
      ...senderOf(input, ctx.config as TwilioConfig),
      Body: input.body,
      MediaUrl: input.mediaUrl,
    });
    // A reply of another shape fails the output schema (without retry).
    const msg = m && typeof m === 'object' ? m : ({} as Partial<TwilioMessage>);
    return { sid: msg.sid as string, status: msg.status as string, to: msg.to as string, ...(msg.from ? { from: msg.from } : {}) };
  },
});
