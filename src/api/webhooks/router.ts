/**
 * `POST /webhooks/:connector/:connectionId` (no API key: the signature is the
 * authentication). The body is read raw, byte for byte, with the connection's limit,
 * after the connection is known; nothing parses it before the verifier has run.
 */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import type { WebhookRequest } from '../../../connectors/sdk/index.ts';
import { ApiError } from '../../errors.ts';
import type { Services } from '../../services.ts';
import { errorBodySchema } from '../http.ts';
import { idString, runIdsShape } from '../../schemas/ids.ts';
import { recordWebhookDelivery, webhookOutcomeOf } from '../../metrics/metrics.ts';
import { acceptsMediaType, bodyLimitOf, WebhookIngestor, type WebhookIngestorOptions } from '../../webhooks/ingest.ts';

type RawParsers = Map<number, ReturnType<typeof express.raw>>;

/** Reads the body as a Buffer with a limit (one parser per limit, kept by the router); 413/415 errors come from body-parser. */
function readRawBody(rawParsers: RawParsers, req: Request, res: Response, limit: number): Promise<Buffer> {
  let parser = rawParsers.get(limit);
  if (!parser) {
    // inflate: false — a signature covers the bytes as sent, so compressed bodies are refused (415).
    parser = express.raw({ type: () => true, limit, inflate: false });
    rawParsers.set(limit, parser);
  }
  return new Promise((resolve, reject) => {
    parser(req, res, (err?: unknown) => (err ? reject(err) : resolve(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0))));
  });
}

/** The HTTP status an intake error is answered with (ApiError, or body-parser's 413/415); else 500. */
function statusOf(err: unknown): number {
  if (err instanceof ApiError) return err.status;
  const status = (err as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : 500;
}

function headersOf(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

/** What a recorded delivery answers: the workflow that records it, the runs it started, the parked runs it resumed. */
const recordedShape = {
  eventId: z.string(),
  workflowId: z.string().optional().describe('the event workflow, or the first run started; absent when the delivery only resumed parked runs'),
  runId: z.string().optional(),
  runs: z.array(z.object({ automationId: z.string(), version: z.number().int(), ...runIdsShape })).optional().describe('the runs the delivery started, one per subscribed automation'),
  resumed: z.array(z.string()).optional().describe('workflow ids of the runs parked on `wait_for_event` it resumed, when nothing subscribes to it (recorded in the database, no event workflow)'),
};
const acceptedSchema = z.object(recordedShape).meta({ id: 'WebhookAccepted' });
const duplicateSchema = z
  .object({ duplicate: z.literal(true), ...recordedShape })
  .meta({ id: 'WebhookDuplicate' });

function document(registry: OpenAPIRegistry, connectorKeys: string[]): void {
  const error = (description: string) => ({ description, content: { 'application/json': { schema: errorBodySchema } } });
  registry.registerPath({
    method: 'post',
    path: '/webhooks/{connector}/{connectionId}',
    summary: 'Receive a webhook delivery',
    description:
      "Verifies the provider's signature over the raw body and records the delivery before answering: as the runs it starts " +
      '(`run:<automationId>:wh:<connector>:<connectionId>:<deliveryId>`), else as the event workflow `wh:<connector>:<connectionId>:<deliveryId>`; ' +
      'a delivery that only resumes runs parked on `wait_for_event` is recorded in the database (`resumed`). ' +
      'A redelivery answers 200 with the same ids and starts and resumes nothing.',
    tags: ['webhooks'],
    request: {
      params: z.object({ connector: connectorKeys.length ? z.enum(connectorKeys as [string, ...string[]]) : z.string(), connectionId: idString }),
      body: { required: true, content: { 'application/json': { schema: z.unknown() }, 'application/x-www-form-urlencoded': { schema: z.unknown() } } },
    },
    responses: {
      200: { description: 'Duplicate delivery, or an immediate answer (Slack url_verification, GitHub ping)', content: { 'application/json': { schema: duplicateSchema } } },
      202: { description: 'Accepted and recorded: runs started, parked runs resumed, or the event workflow started', content: { 'application/json': { schema: acceptedSchema } } },
      400: error('Path not valid percent-encoding, or with a control character (INVALID_PATH)'),
      401: error('Missing, invalid or stale signature'),
      404: error('Unknown connector or connection, or no webhook trigger'),
      413: error('Body larger than the connection allows (1 MiB by default)'),
      415: error('Unsupported content type or encoding'),
      429: { ...error("Over the connection's inbound limit (RATE_LIMITED, config.inboundRateLimit; off by default): not recorded, retry after the Retry-After seconds"), headers: { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } } } },
      405: error('Not a POST'),
      503: error('Temporal unavailable, or the connection cannot verify right now; retry after the Retry-After seconds'),
    },
  });
}

/** The `/webhooks` router. */
export function webhookRouter(services: Services, registry: OpenAPIRegistry, opts: WebhookIngestorOptions = {}): Router {
  const ingestor = new WebhookIngestor(services, opts);
  const rawParsers: RawParsers = new Map();
  const router = express.Router();
  router.post('/:connector/:connectionId', async (req, res, next) => {
    const startedAt = process.hrtime.bigint();
    // Counted for installed connectors only (an unknown path must not mint label values).
    const connectorKey = services.connectors.get(String(req.params['connector'])) ? String(req.params['connector']) : undefined;
    try {
      const receivedAt = new Date();
      const target = await ingestor.resolve(String(req.params['connector']), String(req.params['connectionId']));
      if (!acceptsMediaType(target.trigger, req.headers['content-type'])) {
        throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', `Content type ${JSON.stringify(req.headers['content-type'] ?? '')} is not accepted here`);
      }
      const rawBody = await readRawBody(rawParsers, req, res, bodyLimitOf(target.connection));
      const request: WebhookRequest = {
        method: req.method,
        url: services.config.publicUrl.replace(/\/+$/, '') + req.originalUrl,
        headers: headersOf(req),
        rawBody,
        receivedAt,
      };
      const answer = await ingestor.ingest(target, request);
      recordWebhookDelivery(target.connector.key, webhookOutcomeOf(answer.status, answer.body), startedAt);
      res.status(answer.status);
      if (answer.contentType && answer.contentType !== 'application/json') res.type(answer.contentType).send(answer.body);
      else res.json(answer.body);
    } catch (err) {
      if (connectorKey !== undefined) recordWebhookDelivery(connectorKey, webhookOutcomeOf(statusOf(err)), startedAt);
      next(err);
    }
  });
  // Providers deliver with POST; anything else is a misconfigured sender, told so plainly.
  router.all('/:connector/:connectionId', (req, res, next) => {
    res.setHeader('Allow', 'POST');
    next(new ApiError(405, 'METHOD_NOT_ALLOWED', `Webhooks are delivered with POST, not ${req.method}`));
  });
  document(registry, services.connectors.list().filter((c) => Object.keys(c.triggers ?? {}).length > 0).map((c) => c.key));
  return router;
}
