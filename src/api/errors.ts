/**
 * The single error path of the HTTP layer: every failure becomes
 * `{ "error": { "code", "message", "details"? } }` with the right status, never a stack
 * trace. The errors of the layers below (SDK `ConnectorError`, services' `ApiError`,
 * `DefinitionError`, Temporal unavailability; all in src/errors.ts) are translated
 * here, not per router. The HTTP layer's own errors (`McpToolError`) live here too.
 */
import type { NextFunction, Request, Response } from 'express';
import { ZodError } from 'zod';
import { ConnectorError, HTTP_STATUS_OF_CODE } from '../../connectors/sdk/errors.ts';
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from '../db/unavailable.ts';
import { ApiError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { isTemporalUnavailable, TEMPORAL_RETRY_AFTER_SECONDS } from '../temporal/unavailable.ts';
import { DefinitionError, IdempotencyKeyReusedError, IngestionStartError } from '../errors.ts';

interface BodyParserError extends Error {
  type?: string;
  status?: number;
  expose?: boolean;
}

export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  // A step or provider failure: the status its code stands for.
  if (err instanceof ConnectorError) return new ApiError(HTTP_STATUS_OF_CODE[err.code], err.code, err.message);
  // Definition problems answer 400 with every problem listed; paths name the field of the
  // request, like every other body error (`body.steps[0].connection`).
  if (err instanceof DefinitionError) return new ApiError(400, 'INVALID_INPUT', err.message, err.issues.map((i) => ({ path: `body.${i.path}`, message: i.message })));
  // Starting an ingestion failed because Temporal did not answer.
  if (err instanceof IngestionStartError) {
    return new ApiError(503, 'TEMPORAL_UNAVAILABLE', `Temporal is not reachable: ${err.message}`, undefined, { 'Retry-After': String(TEMPORAL_RETRY_AFTER_SECONDS) });
  }
  if (err instanceof IdempotencyKeyReusedError) return new ApiError(422, 'IDEMPOTENCY_KEY_REUSED', err.message, [{ path: 'Idempotency-Key', message: `already names ${err.workflowId}, started by a different request` }]);
  if (isTemporalUnavailable(err)) {
    return new ApiError(503, 'TEMPORAL_UNAVAILABLE', 'Temporal is not reachable right now; retry later', undefined, {
      'Retry-After': String(TEMPORAL_RETRY_AFTER_SECONDS),
    });
  }
  if (isDatabaseUnavailable(err)) {
    return new ApiError(503, 'DATABASE_UNAVAILABLE', 'The database is not reachable right now; retry later', undefined, {
      'Retry-After': String(DATABASE_RETRY_AFTER_SECONDS),
    });
  }
  if (err instanceof ZodError) {
    return new ApiError(
      400,
      'INVALID_INPUT',
      err.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '),
      err.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  }
  const e = err as BodyParserError;
  switch (e?.type) {
    case 'entity.parse.failed':
      return new ApiError(400, 'INVALID_JSON', 'Request body is not valid JSON');
    case 'entity.too.large':
      return new ApiError(413, 'PAYLOAD_TOO_LARGE', 'Request body is too large');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', e.message);
    default:
      break;
  }
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500 && e.expose) {
    return new ApiError(e.status, 'BAD_REQUEST', e.message);
  }
  return new ApiError(500, 'INTERNAL', 'Internal error');
}

/**
 * Error `details` have one shape, `[{ path, message }]`: what a connector (or any
 * other layer) attached in another shape is brought into it, or left out.
 */
export function normalizeDetails(details: unknown): { path: string; message: string }[] | undefined {
  if (details === undefined || details === null) return undefined;
  const list = Array.isArray(details) ? details : [details];
  const out = list.flatMap((d): { path: string; message: string }[] => {
    if (typeof d === 'string') {
      const at = d.indexOf(': ');
      return [at < 0 ? { path: '(root)', message: d } : { path: d.slice(0, at), message: d.slice(at + 2) }];
    }
    if (d && typeof d === 'object' && typeof (d as { message?: unknown }).message === 'string') {
      const path = (d as { path?: unknown }).path;
      return [{ path: Array.isArray(path) ? path.join('.') : typeof path === 'string' ? path : '(root)', message: (d as { message: string }).message }];
    }
    return [];
  });
  return out.length ? out : undefined;
}

export function errorMiddleware(logger: Logger) {
  // Express recognises error middleware by its four parameters.
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const apiError = toApiError(err);
    const log = (req as Request & { log?: Logger }).log ?? logger;
    // Deliberate 5xx answers (503 while Temporal or the database is down) are logged where they are decided.
    if (apiError.code === 'TEMPORAL_UNAVAILABLE' && !(err instanceof ApiError)) log.warn({ err: (err as Error).message }, 'Temporal unavailable');
    else if (apiError.code === 'DATABASE_UNAVAILABLE' && !(err instanceof ApiError)) log.warn({ err: (err as Error).message }, 'database unavailable');
    else if (apiError.status >= 500 && !(err instanceof ApiError)) log.error({ err }, 'request failed');
    if (res.headersSent) return;
    if (apiError.headers) res.set(apiError.headers);
    const message = apiError.status >= 500 ? `${apiError.message} (request id ${String(req.id ?? 'unknown')})` : apiError.message;
    const details = normalizeDetails(apiError.details);
    res.status(apiError.status).json({
      error: { code: apiError.code, message, ...(details !== undefined ? { details } : {}) },
    });
  };
}

export function notFoundMiddleware(req: Request, _res: Response, next: NextFunction): void {
  next(new ApiError(404, 'NOT_FOUND', `No route for ${req.method} ${req.path}`));
}

/** Thrown by tool handlers for an answer the agent should see as a tool error. */
export class McpToolError extends Error {
  override readonly name = 'McpToolError';
}
