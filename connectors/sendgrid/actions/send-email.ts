import { z } from 'zod';
import { ConnectorError } from '../../sdk/errors.ts';
import { defineAction } from '../../sdk/index.ts';
import { callSendgrid } from '../client.ts';
import { address, toAddress, type Address } from '../schemas.ts';

const recipients = z.union([address, z.array(address).min(1).max(1000)]);
const list = (r: z.infer<typeof recipients> | undefined): Address[] => (r === undefined ? [] : Array.isArray(r) ? r : [r]);

const attachment = z.object({
  filename: z.string().min(1).max(255),
  content: z.base64().max(1_500_000).describe('File content, base64'),
  type: z.string().max(255).optional().describe('MIME type, e.g. application/pdf'),
  disposition: z.enum(['attachment', 'inline']).optional(),
  contentId: z.string().max(255).optional().describe('For inline images: referenced as cid:<contentId>'),
});

export const sendEmail = defineAction({
  description: 'Send an email through the v3 Mail Send API (text/html or a dynamic template, cc/bcc, attachments)',
  input: z
    .object({
      to: recipients,
      cc: recipients.optional(),
      bcc: recipients.optional(),
      from: address.optional().describe("Default: the connection's from"),
      replyTo: address.optional(),
      subject: z.string().min(1).max(998).optional(),
      text: z.string().max(1_000_000).optional(),
      html: z.string().max(1_000_000).optional(),
      templateId: z.string().regex(/^d-[0-9a-f]{32}$/, 'a dynamic template id (d-…)').optional(),
      dynamicTemplateData: z.record(z.string(), z.unknown()).optional(),
      attachments: z.array(attachment).max(10).optional(),
      categories: z.array(z.string().min(1).max(255)).max(10).optional(),
      customArgs: z.record(z.string(), z.string()).optional().describe('Echoed in SendGrid event webhooks'),
    })
    .refine((i) => i.templateId || i.text || i.html, { message: 'give text, html or a templateId', path: ['text'] })
    .refine((i) => i.templateId || i.subject, { message: 'subject is required without a templateId', path: ['subject'] })
    .refine((i) => !i.dynamicTemplateData || i.templateId, { message: 'dynamicTemplateData needs a templateId', path: ['dynamicTemplateData'] }),
  output: z.object({ messageId: z.string().min(1).describe("SendGrid's X-Message-Id"), status: z.number().int() }),
  // Mail Send has no idempotency key: a retry after a lost 202 sends a second message.
  idempotent: false,
  async run(ctx, i) {
    const from = i.from ?? (ctx.config.from ? { email: ctx.config.from, ...(ctx.config.fromName ? { name: ctx.config.fromName } : {}) } : undefined);
    if (!from) throw new ConnectorError('CONFIG_INVALID', "no sender: set the connection's from or the input's from");
    const personalization = {
      to: list(i.to).map(toAddress),
      ...(i.cc ? { cc: list(i.cc).map(toAddress) } : {}),
      ...(i.bcc ? { bcc: list(i.bcc).map(toAddress) } : {}),
      ...(i.dynamicTemplateData ? { dynamic_template_data: i.dynamicTemplateData } : {}),
    };
    // SendGrid requires text/plain before text/html.
    const content = [...(i.text ? [{ type: 'text/plain', value: i.text }] : []), ...(i.html ? [{ type: 'text/html', value: i.html }] : [])];
    const res = await callSendgrid<unknown>(ctx, 'POST', '/v3/mail/send', {
      personalizations: [personalization],
      from: toAddress(from),
      ...(i.replyTo ? { reply_to: toAddress(i.replyTo) } : {}),
      ...(i.subject ? { subject: i.subject } : {}),
      ...(content.length ? { content } : {}),
      ...(i.templateId ? { template_id: i.templateId } : {}),
      ...(i.attachments
        ? {
            attachments: i.attachments.map((a) => ({
              content: a.content,
              filename: a.filename,
              ...(a.type ? { type: a.type } : {}),
              ...(a.disposition ? { disposition: a.disposition } : {}),
              ...(a.contentId ? { content_id: a.contentId } : {}),
            })),
          }
        : {}),
      ...(i.categories ? { categories: i.categories } : {}),
      ...(i.customArgs ? { custom_args: i.customArgs } : {}),
    });
    return { messageId: res.headers['x-message-id'] as string, status: res.status };
  },
});
