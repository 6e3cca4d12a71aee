import { z } from 'zod';
import { defineAction } from '../../sdk/index.ts';
import { createTransport, toConnectorError } from '../client.ts';
import type { EmailConfig, EmailSecrets } from '../schemas.ts';

const recipients = z.union([z.email(), z.array(z.email()).min(1).max(100)]);

export const sendEmail = defineAction({
  description: 'Send an email over SMTP (text and/or HTML)',
  input: z
    .object({
      to: recipients,
      cc: recipients.optional(),
      bcc: recipients.optional(),
      replyTo: z.email().optional(),
      subject: z.string().min(1).max(998),
      text: z.string().max(1_000_000).optional(),
      html: z.string().max(1_000_000).optional(),
    })
    .refine((v) => v.text !== undefined || v.html !== undefined, { message: 'text or html is required', path: ['text'] }),
  output: z.object({ messageId: z.string(), accepted: z.array(z.string()), rejected: z.array(z.string()) }),
  idempotent: false,
  async run(ctx, input) {
    const config = ctx.config as EmailConfig;
    const transport = await createTransport(config, ctx.secrets as EmailSecrets, ctx.http);
    try {
      // The step's key as Message-ID lets receivers dedupe a retried send.
      const info = await transport.sendMail({ from: config.from, ...input, messageId: `<${ctx.idempotencyKey.replace(/[^\w.-]/g, '.')}@switchboard>` });
      const list = (v: unknown) => (Array.isArray(v) ? v.map((a) => (typeof a === 'string' ? a : String((a as { address?: string }).address))) : []);
      return { messageId: String(info.messageId), accepted: list(info.accepted), rejected: list(info.rejected) };
    } catch (err) {
      throw toConnectorError(err);
    } finally {
      transport.close();
    }
  },
});
