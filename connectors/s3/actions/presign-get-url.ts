import { z } from 'zod';
import { defineAction } from '../../sdk/index.ts';
import { bucketOf, s3Client, s3Error, s3Sdk } from '../client.ts';
import { bucketName, objectKey } from '../schemas.ts';

/** SigV4 presigned URLs live at most 7 days. */
const MAX_EXPIRES_SECONDS = 7 * 24 * 3600;

/**
 * Signs locally (no call to S3): whoever holds the URL may GET the object until it
 * expires, so the URL is a short-lived capability; it names the access key id, never
 * the secret key.
 */
export const presignGetUrl = defineAction({
  description: 'A presigned GET URL for an object (signed locally, valid for expiresIn seconds)',
  input: z.object({
    bucket: bucketName.optional().describe("Default: the connection's bucket"),
    key: objectKey,
    expiresIn: z.number().int().min(1).max(MAX_EXPIRES_SECONDS).default(900),
    responseContentDisposition: z.string().max(255).optional().describe('e.g. attachment; filename="report.pdf"'),
    responseContentType: z.string().max(255).optional(),
  }),
  output: z.object({ url: z.url(), expiresAt: z.string() }),
  idempotent: true,
  async run(ctx, i) {
    const bucket = bucketOf(ctx.config, i.bucket);
    const { GetObjectCommand } = await s3Sdk();
    const { getSignedUrl } = await import('@aws-sdk/s3-request-presigner');
    const client = await s3Client(ctx);
    try {
      const command = new GetObjectCommand({
        Bucket: bucket,
        Key: i.key,
        ...(i.responseContentDisposition ? { ResponseContentDisposition: i.responseContentDisposition } : {}),
        ...(i.responseContentType ? { ResponseContentType: i.responseContentType } : {}),
      });
      const url = await getSignedUrl(client, command, { expiresIn: i.expiresIn });
      return { url, expiresAt: new Date(Date.now() + i.expiresIn * 1000).toISOString() };
    } catch (err) {
      throw s3Error(err, `presigning GetObject ${bucket}/${i.key}`);
    } finally {
      client.destroy();
    }
  },
});
