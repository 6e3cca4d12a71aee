/**
 * S3 clients per call (config and secrets come with each step) over the SSRF-safe
 * fetch, with the SDK's own retries off: Temporal retries the step, so a 401 is one
 * call and `Retry-After` is honoured. SDK errors map to connector error codes here.
 * The SDK is loaded on the first S3 call ({@link s3Sdk}), not when the connector registers:
 * a worker that runs no S3 step does not hold it.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { codeForHttpStatus, ConnectorError, type ErrorCode } from '../sdk/errors.ts';
import { parseRetryAfter } from '../sdk/retry-after.ts';
import type { ActionContext } from '../sdk/types.ts';
import { safeRequestHandler } from './request-handler.ts';
import type { S3Config, S3Secrets } from './schemas.ts';

type S3Ctx = Pick<ActionContext<S3Config, S3Secrets>, 'config' | 'secrets' | 'http'>;

/** `@aws-sdk/client-s3`, loaded on first use (Node keeps the module once loaded). */
export const s3Sdk = () => import('@aws-sdk/client-s3');

export async function s3Client(ctx: S3Ctx, opts: { maxResponseBytes?: number } = {}): Promise<S3Client> {
  const { S3Client } = await s3Sdk();
  const { config, secrets } = ctx;
  return new S3Client({
    region: config.region,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    forcePathStyle: config.forcePathStyle,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: secrets.secretAccessKey, ...(secrets.sessionToken ? { sessionToken: secrets.sessionToken } : {}) },
    maxAttempts: 1,
    // CRC checksums only where S3 requires them: several S3-compatible stores reject the
    // SDK's default flexible checksums (aws-chunked trailers).
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: safeRequestHandler(ctx.http.fetch, opts),
  });
}

/** The bucket of the input, else the connection's default. */
export function bucketOf(config: S3Config, bucket: string | undefined): string {
  const b = bucket ?? config.bucket;
  if (!b) throw new ConnectorError('INVALID_INPUT', "no bucket: give input.bucket or set the connection's bucket", { details: [{ path: 'input.bucket', message: 'required without a default bucket' }] });
  return b;
}

const CODE_OF_S3_ERROR: Record<string, ErrorCode> = {
  InvalidAccessKeyId: 'AUTH_FAILED',
  SignatureDoesNotMatch: 'AUTH_FAILED',
  ExpiredToken: 'AUTH_FAILED',
  InvalidToken: 'AUTH_FAILED',
  TokenRefreshRequired: 'AUTH_FAILED',
  AccessDenied: 'FORBIDDEN',
  AllAccessDisabled: 'FORBIDDEN',
  NoSuchBucket: 'NOT_FOUND',
  NoSuchKey: 'NOT_FOUND',
  NotFound: 'NOT_FOUND',
  SlowDown: 'RATE_LIMITED',
  RequestTimeout: 'TIMEOUT',
};

/** Maps what the SDK throws to a {@link ConnectorError}; guard errors pass through. */
export function s3Error(err: unknown, what: string): unknown {
  if (err instanceof ConnectorError) return err;
  const e = err as { name?: string; message?: string; $fault?: unknown; $metadata?: { httpStatusCode?: number }; $response?: { headers?: Record<string, string> } };
  const status = e?.$metadata?.httpStatusCode;
  // A service exception by the SDK's own test (ServiceException.isInstance): a `$fault` and `$metadata`.
  const serviceException = e?.$metadata !== undefined && (e.$fault === 'client' || e.$fault === 'server');
  if (!serviceException && status === undefined) return err;
  const code = CODE_OF_S3_ERROR[e.name ?? ''] ?? (status ? codeForHttpStatus(status) : undefined) ?? 'UPSTREAM_5XX';
  const retryAfterMs = parseRetryAfter(e.$response?.headers?.['retry-after']);
  return new ConnectorError(code, `S3 ${what} failed: ${e.name ?? 'Error'}${status ? ` (${status})` : ''}${e.message && e.message !== e.name ? `: ${e.message.slice(0, 300)}` : ''}`, {
    ...(status ? { status } : {}),
    ...(retryAfterMs ? { retryAfterMs } : {}),
  });
}

/** Sends one command, closing the client after and mapping failures. */
export async function sendS3<T>(client: S3Client, what: string, send: (c: S3Client) => Promise<T>): Promise<T> {
  try {
    return await send(client);
  } catch (err) {
    throw s3Error(err, what);
  } finally {
    client.destroy();
  }
}
