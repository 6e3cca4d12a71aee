import { z } from 'zod';
import { ConnectorError } from '../../sdk/errors.ts';
import { defineAction } from '../../sdk/index.ts';
import { bucketOf, s3Client, s3Sdk, sendS3 } from '../client.ts';
import { bucketName, objectKey } from '../schemas.ts';

/** Largest object the step writes: its bytes travel in workflow history as the step input. */
export const S3_PUT_MAX_BYTES = 1024 * 1024;

export const putObject = defineAction({
  description: 'Write an object (text or base64 body) with a content type and user metadata',
  input: z
    .object({
      bucket: bucketName.optional().describe("Default: the connection's bucket"),
      key: objectKey,
      content: z.string().optional().describe('Body as UTF-8 text'),
      contentBase64: z.base64().optional().describe('Body as base64 (binary)'),
      contentType: z.string().max(255).optional(),
      metadata: z.record(z.string().regex(/^[\w-]+$/), z.string().max(2048)).optional().describe('Stored as x-amz-meta-*'),
      cacheControl: z.string().max(255).optional(),
    })
    .refine((i) => (i.content === undefined) !== (i.contentBase64 === undefined), { message: 'give exactly one of content or contentBase64', path: ['content'] }),
  output: z.object({ bucket: z.string(), key: z.string(), etag: z.string().min(1), size: z.number().int(), versionId: z.string().optional() }),
  // The same key and body give the same object: a retried step writes it again, unchanged.
  idempotent: true,
  async run(ctx, i) {
    const bucket = bucketOf(ctx.config, i.bucket);
    const { PutObjectCommand } = await s3Sdk();
    const body = i.content !== undefined ? Buffer.from(i.content, 'utf8') : Buffer.from(i.contentBase64!, 'base64');
    if (body.length > S3_PUT_MAX_BYTES) throw new ConnectorError('INVALID_INPUT', `the body is ${body.length} bytes; put_object accepts at most ${S3_PUT_MAX_BYTES}`);
    const res = await sendS3(await s3Client(ctx), `PutObject ${bucket}/${i.key}`, (c) =>
      c.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: i.key,
          Body: body,
          ContentLength: body.length,
          ContentType: i.contentType ?? (i.content !== undefined ? 'text/plain; charset=utf-8' : 'application/octet-stream'),
          ...(i.metadata ? { Metadata: i.metadata } : {}),
          ...(i.cacheControl ? { CacheControl: i.cacheControl } : {}),
        }),
        { abortSignal: ctx.signal },
      ),
    );
    return { bucket, key: i.key, etag: res.ETag as string, size: body.length, ...(res.VersionId ? { versionId: res.VersionId } : {}) };
  },
});
