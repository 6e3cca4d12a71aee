import { z } from 'zod';
import { defineAction } from '../../sdk/index.ts';
import { bucketOf, s3Client, s3Sdk, sendS3 } from '../client.ts';
import { bucketName } from '../schemas.ts';

export const listObjects = defineAction({
  description: 'List objects (ListObjectsV2): by prefix, grouped by a delimiter, one page at a time',
  input: z.object({
    bucket: bucketName.optional().describe("Default: the connection's bucket"),
    prefix: z.string().max(1024).optional(),
    delimiter: z.string().max(16).optional().describe('e.g. "/" to list one folder level (common prefixes)'),
    maxKeys: z.number().int().min(1).max(1000).default(100),
    continuationToken: z.string().optional().describe("The previous page's nextContinuationToken"),
  }),
  output: z.object({
    bucket: z.string(),
    objects: z.array(z.object({ key: z.string(), size: z.number().int(), etag: z.string().optional(), lastModified: z.string().optional() })),
    commonPrefixes: z.array(z.string()),
    isTruncated: z.boolean(),
    nextContinuationToken: z.string().optional(),
  }),
  idempotent: true,
  async run(ctx, i) {
    const bucket = bucketOf(ctx.config, i.bucket);
    const { ListObjectsV2Command } = await s3Sdk();
    const res = await sendS3(await s3Client(ctx), `ListObjectsV2 ${bucket}`, (c) =>
      c.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          MaxKeys: i.maxKeys,
          ...(i.prefix ? { Prefix: i.prefix } : {}),
          ...(i.delimiter ? { Delimiter: i.delimiter } : {}),
          ...(i.continuationToken ? { ContinuationToken: i.continuationToken } : {}),
        }),
        { abortSignal: ctx.signal },
      ),
    );
    return {
      bucket,
      objects: (res.Contents ?? []).map((o) => ({
        key: o.Key as string,
        size: o.Size ?? 0,
        ...(o.ETag ? { etag: o.ETag } : {}),
        ...(o.LastModified ? { lastModified: o.LastModified.toISOString() } : {}),
      })),
      commonPrefixes: (res.CommonPrefixes ?? []).map((p) => p.Prefix as string),
      isTruncated: res.IsTruncated as boolean,
      ...(res.NextContinuationToken ? { nextContinuationToken: res.NextContinuationToken } : {}),
    };
  },
});
