import { defineConnector } from '../sdk/index.ts';
import { deleteObject } from './actions/delete-object.ts';
import { getObject } from './actions/get-object.ts';
import { listObjects } from './actions/list-objects.ts';
import { presignGetUrl } from './actions/presign-get-url.ts';
import { putObject } from './actions/put-object.ts';
import { s3Client, s3Sdk, sendS3 } from './client.ts';
import { s3Config, s3Secrets } from './schemas.ts';

/** Amazon S3 and S3-compatible stores (MinIO, R2): objects through `@aws-sdk/client-s3` over the SSRF-safe fetch. */
export default defineConnector({
  key: 's3',
  displayName: 'Amazon S3',
  version: '1.0.0',
  description: 'Put, get, list and delete objects and presign GET URLs on S3 or an S3-compatible store (access key auth; endpoint and path style configurable)',
  config: s3Config,
  secrets: s3Secrets,
  actions: { put_object: putObject, get_object: getObject, list_objects: listObjects, delete_object: deleteObject, presign_get_url: presignGetUrl },
  async test(ctx) {
    // With a default bucket, HeadBucket needs only access to it; else ListBuckets.
    const { HeadBucketCommand, ListBucketsCommand } = await s3Sdk();
    const bucket = ctx.config.bucket;
    if (bucket) {
      await sendS3(await s3Client(ctx), `HeadBucket ${bucket}`, (c) => c.send(new HeadBucketCommand({ Bucket: bucket }), { abortSignal: ctx.signal }));
      return { ok: true, message: `bucket ${bucket} is reachable with these credentials` };
    }
    const res = await sendS3(await s3Client(ctx), 'ListBuckets', (c) => c.send(new ListBucketsCommand({}), { abortSignal: ctx.signal }));
    return { ok: true, message: `authenticated (${res.Buckets?.length ?? 0} buckets visible)` };
  },
});
