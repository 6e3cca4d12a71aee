/**
 * Temporal UI remote codec endpoint (`/codec/encode`, `/codec/decode`), active when
 * payload encryption is on. It answers an API key, or — the embedded dev setup — a
 * browser on the local Temporal UI's origin talking over loopback.
 */
import express, { type Request, type Router } from 'express';
import { z } from 'zod';
import { ApiError } from '../../errors.ts';
import type { Services } from '../../services.ts';
import { EncryptionCodec } from '../../temporal/codec.ts';
import { authenticate, presentedApiKey } from '../auth.ts';
import { requireScope } from '../../security/scopes.ts';
import { DecryptionError } from '../../errors.ts';

const wirePayloads = z.object({
  payloads: z.array(z.object({ metadata: z.record(z.string(), z.string()).optional(), data: z.string().optional() })),
});
type WirePayloads = z.infer<typeof wirePayloads>;

const fromWire = (p: WirePayloads['payloads'][number]) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});
const toWire = (p: { metadata?: Record<string, Uint8Array> | null; data?: Uint8Array | null }) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

function isLoopback(req: Request): boolean {
  const ip = req.socket.remoteAddress ?? '';
  return ip === '127.0.0.1' || ip === '::1' || ip === '::ffff:127.0.0.1';
}

export function codecRouter(services: Services): Router {
  const router = express.Router();
  const codec = new EncryptionCodec(services.keyring);
  const uiOrigin = services.temporalUiUrl ? new URL(services.temporalUiUrl).origin : undefined;

  router.use((req, res, next) => {
    const origin = req.get('origin');
    if (origin && origin === uiOrigin) {
      res.set({
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Credentials': 'true',
        'Access-Control-Allow-Headers': 'Content-Type, X-Namespace, Authorization, X-API-Key',
        'Access-Control-Allow-Methods': 'POST, OPTIONS',
        Vary: 'Origin',
      });
    }
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    next();
  });
  router.use(async (req, _res, next) => {
    try {
      if (!services.config.payloadEncryption) throw new ApiError(404, 'NOT_FOUND', 'Payload encryption is off; there is no codec');
      const token = presentedApiKey(req);
      const principal = token ? await authenticate(services, token) : undefined;
      const trusted = token ? principal !== undefined : uiOrigin !== undefined && req.get('origin') === uiOrigin && isLoopback(req);
      if (!trusted) throw new ApiError(401, 'UNAUTHENTICATED', 'The codec needs an API key');
      // Decoding shows run payloads: a key needs runs:read (the local Web UI has no key).
      if (principal) requireScope(principal, 'runs:read');
      next();
    } catch (err) {
      next(err);
    }
  });
  router.use(express.json({ limit: '8mb' }));
  for (const op of ['encode', 'decode'] as const) {
    router.post(`/${op}`, async (req, res, next) => {
      try {
        const body = wirePayloads.parse(req.body);
        const out = await codec[op](body.payloads.map(fromWire));
        res.json({ payloads: out.map(toWire) });
      } catch (err) {
        next(err instanceof DecryptionError ? new ApiError(400, 'DECRYPTION_FAILED', err.message) : err);
      }
    });
  }
  return router;
}
