import { z } from 'zod';
import { ConnectorError } from '../../sdk/errors.ts';
import { defineAction } from '../../sdk/index.ts';
import { callSlack } from '../client.ts';

/** Largest file the step uploads: its bytes travel in workflow history as the step input. */
export const SLACK_UPLOAD_MAX_BYTES = 1024 * 1024;

const input = z
  .object({
    filename: z.string().min(1).max(255),
    content: z.string().optional().describe('File content as UTF-8 text'),
    contentBase64: z.base64().optional().describe('File content as base64 (binary files)'),
    title: z.string().max(255).optional(),
    channel: z.string().regex(/^[CDG][A-Z0-9]+$/, 'a channel id (C…, G…, D…)').optional().describe('Share into this channel id; omitted: the file stays private to the bot'),
    initialComment: z.string().max(4_000).optional(),
    threadTs: z.string().optional().describe('Share as a reply in this thread (needs channel)'),
    altText: z.string().max(1_000).optional().describe('Description of an image for screen readers'),
  })
  .refine((i) => (i.content === undefined) !== (i.contentBase64 === undefined), { message: 'give exactly one of content or contentBase64', path: ['content'] })
  .refine((i) => !i.threadTs || i.channel, { message: 'threadTs needs channel', path: ['threadTs'] });

/**
 * Slack's external upload, three calls: `files.getUploadURLExternal` (name and length)
 * → POST the bytes to the returned URL (no token: it is pre-authorised) →
 * `files.completeUploadExternal`, which shares the file. A retried step starts over;
 * Slack discards uploads that were never completed.
 */
export const uploadFile = defineAction({
  description: 'Upload a file (files.getUploadURLExternal, upload, files.completeUploadExternal) and optionally share it in a channel',
  input,
  output: z.object({ fileId: z.string().min(1), title: z.string().optional() }),
  idempotent: false,
  async run(ctx, i) {
    if (!ctx.secrets.botToken) throw new ConnectorError('CONFIG_INVALID', 'upload_file needs the Slack connection to have a botToken (incoming webhooks cannot upload files)');
    const bytes = i.content !== undefined ? Buffer.from(i.content, 'utf8') : Buffer.from(i.contentBase64!, 'base64');
    if (bytes.length === 0) throw new ConnectorError('INVALID_INPUT', 'the file is empty (Slack rejects empty uploads)');
    if (bytes.length > SLACK_UPLOAD_MAX_BYTES) throw new ConnectorError('INVALID_INPUT', `the file is ${bytes.length} bytes; upload_file accepts at most ${SLACK_UPLOAD_MAX_BYTES}`);

    const target = await callSlack<{ upload_url?: unknown; file_id?: unknown }>(
      ctx,
      'files.getUploadURLExternal',
      { filename: i.filename, length: String(bytes.length), ...(i.altText ? { alt_txt: i.altText } : {}) },
      'form',
    );
    if (typeof target.upload_url !== 'string' || typeof target.file_id !== 'string') {
      throw new ConnectorError('UPSTREAM_5XX', 'Slack files.getUploadURLExternal answered ok without upload_url or file_id');
    }
    await ctx.http.request({ method: 'POST', url: target.upload_url, headers: { 'content-type': 'application/octet-stream' }, body: new Uint8Array(bytes) });

    const done = await callSlack<{ files?: { id: string; title?: string }[] }>(
      ctx,
      'files.completeUploadExternal',
      {
        files: [{ id: target.file_id, ...(i.title ? { title: i.title } : {}) }],
        ...(i.channel ? { channel_id: i.channel } : {}),
        ...(i.initialComment ? { initial_comment: i.initialComment } : {}),
        ...(i.threadTs ? { thread_ts: i.threadTs } : {}),
      },
      'form',
    );
    const file = done.files?.find((f) => f.id === target.file_id) ?? done.files?.[0];
    return { fileId: file?.id as string, ...(file?.title ? { title: file.title } : {}) };
  },
});
