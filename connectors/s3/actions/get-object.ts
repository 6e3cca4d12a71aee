import { z } from 'zod';
import { ConnectorError } from '../../sdk/errors.ts';
import { defineAction } from '../../sdk/index.ts';
import { bucketOf, s3Client, s3Sdk, sendS3 } from '../client.ts';
import { bucketName, objectKey } from '../schemas.ts';

/** Ceiling of `maxBytes`: the content is the step output, kept in workflow history. */
export const S3_GET_MAX_BYTES = 2 * 1024 * 1024;

export const getObject = defineAction({
  description: 'Read an object as text or base64 (up to maxBytes; larger objects: use a presigned URL)',
  input: z.object({
    bucket: bucketName.optional().describe("Default: the connection's bucket"),
    key: objectKey,
    encoding: z.enum(['utf8', 'base64']).default('utf8'),
    maxBytes: z.number().int().positive().max(S3_GET_MAX_BYTES).default(1024 * 1024),
  }),
  output: z.object({
    bucket: z.string(),
    key: z.string(),
    content: z.string(),
    encoding: z.enum(['utf8', 'base64']),
    size: z.number().int(),
    contentType: z.string().optional(),
    etag: z.string().min(1),
    lastModified: z.string().optional(),
    metadata: z.record(z.string(), z.string()),
  }),
  idempotent: true,
  async run(ctx, i) {
    const bucket = bucketOf(ctx.config, i.bucket);
    const { GetObjectCommand } = await s3Sdk();
    // The guard's response cap stops a body larger than announced, too.
    return sendS3(await s3Client(ctx, { maxResponseBytes: i.maxBytes + 1 }), `GetObject ${bucket}/${i.key}`, async (c) => {
      const res = await c.send(new GetObjectCommand({ Bucket: bucket, Key: i.key }), { abortSignal: ctx.signal });
      if ((res.ContentLength ?? 0) > i.maxBytes) {
        await res.Body?.transformToWebStream().cancel().catch(() => undefined);
        throw new ConnectorError('INVALID_INPUT', `${bucket}/${i.key} is ${res.ContentLength} bytes, more than maxBytes (${i.maxBytes})`);
      }
      const bytes = Buffer.from((await res.Body?.transformToByteArray()) ?? new Uint8Array());
      return {
        bucket,
        key: i.key,
        content: bytes.toString(i.encoding),
        encoding: i.encoding,
        size: bytes.length,
        ...(res.ContentType ? { contentType: res.ContentType } : {}),
        etag: res.ETag as string,
        ...(res.LastModified ? { lastModified: res.LastModified.toISOString() } : {}),
        metadata: res.Metadata ?? {},
      };
    });
  },
});
