import { z } from 'zod';
import { pingDatabase } from '../../db/orm.ts';
import { pingTemporal } from '../../temporal/client.ts';
import { TEMPORAL_RETRY_AFTER_SECONDS } from '../../temporal/unavailable.ts';
import type { Services } from '../../services.ts';
import { route } from '../http.ts';

const checkSchema = z.object({ ok: z.boolean(), error: z.string().optional() });
const readySchema = z
  .object({ status: z.enum(['ready', 'unavailable']), checks: z.object({ temporal: checkSchema, database: checkSchema }) })
  .meta({ id: 'Readiness' });

async function check(fn: () => Promise<unknown>): Promise<z.infer<typeof checkSchema>> {
  try {
    await fn();
    return { ok: true };
  } catch (err) {
    return { ok: false, error: (err as Error).message.split('\n')[0] ?? 'failed' };
  }
}

/** Liveness and readiness probes (no API key). */
export function healthRoutes(services: Services) {
  return [
    route({
      method: 'get',
      path: '/healthz',
      summary: 'Liveness: the process is up',
      tags: ['health'],
      responses: { 200: { description: 'Up', schema: z.object({ status: z.literal('ok') }) } },
      handler: () => ({ body: { status: 'ok' } }),
    }),
    route({
      method: 'get',
      path: '/readyz',
      summary: 'Readiness: Temporal and the database answer',
      tags: ['health'],
      responses: {
        200: { description: 'Ready', schema: readySchema },
        503: { description: 'Temporal or the database does not answer', schema: readySchema },
      },
      handler: async () => {
        const [temporal, database] = await Promise.all([
          check(() => pingTemporal(services.temporal)),
          check(() => pingDatabase(services.orm)),
        ]);
        const ok = temporal.ok && database.ok;
        return {
          status: ok ? 200 : 503,
          ...(ok ? {} : { headers: { 'Retry-After': String(TEMPORAL_RETRY_AFTER_SECONDS) } }),
          body: { status: ok ? 'ready' : 'unavailable', checks: { temporal, database } },
        };
      },
    }),
  ];
}
