import { z } from 'zod';
import { defineAction } from '../../sdk/index.ts';
import { bucketOf, s3Client, s3Sdk, sendS3 } from '../client.ts';
import { bucketName, objectKey } from '../schemas.ts';

export const deleteObject = defineAction({
  description: 'Delete an object (or one version of it); deleting a key that does not exist succeeds, as in S3',
  input: z.object({ bucket: bucketName.optional().describe("Default: the connection's bucket"), key: objectKey, versionId: z.string().optional() }),
  output: z.object({ bucket: z.string(), key: z.string(), deleted: z.literal(true), versionId: z.string().optional(), deleteMarker: z.boolean().optional() }),
  idempotent: true,
  async run(ctx, i) {
    const bucket = bucketOf(ctx.config, i.bucket);
    const { DeleteObjectCommand } = await s3Sdk();
    const res = await sendS3(await s3Client(ctx), `DeleteObject ${bucket}/${i.key}`, (c) =>
      c.send(new DeleteObjectCommand({ Bucket: bucket, Key: i.key, ...(i.versionId ? { VersionId: i.versionId } : {}) }), { abortSignal: ctx.signal }),
    );
    return { bucket, key: i.key, deleted: true as const, ...(res.VersionId ? { versionId: res.VersionId } : {}), ...(res.DeleteMarker !== undefined ? { deleteMarker: res.DeleteMarker } : {}) };
  },
});
