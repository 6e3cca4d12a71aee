import { z } from 'zod';

export const s3Config = z.object({
  /**
   * The access key id is an identifier, not the credential: it travels in every signed
   * request and in presigned URLs (`X-Amz-Credential`), so it is config; the secret
   * access key is the secret.
   */
  accessKeyId: z.string().min(1),
  region: z.string().min(1).default('us-east-1'),
  /** S3-compatible endpoint (MinIO, Cloudflare R2, a local server); unset: AWS S3 of the region. */
  endpoint: z.url().optional(),
  /** `https://endpoint/bucket/key` instead of `https://bucket.endpoint/key` (MinIO and most local servers need it). */
  forcePathStyle: z.boolean().default(false),
  /** Bucket the actions use when their input names none. */
  bucket: z.string().min(3).max(63).optional(),
});

export const s3Secrets = z.object({
  secretAccessKey: z.string().min(1),
  /** For temporary (STS) credentials. */
  sessionToken: z.string().min(1).optional(),
});

export type S3Config = z.infer<typeof s3Config>;
export type S3Secrets = z.infer<typeof s3Secrets>;

/** A bucket name (S3's rules, loosely: compatible servers differ). */
export const bucketName = z.string().min(3).max(63).regex(/^[a-z0-9][a-z0-9.-]+[a-z0-9]$/, 'an S3 bucket name');
export const objectKey = z.string().min(1).max(1024);
