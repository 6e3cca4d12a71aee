import { z } from 'zod';
import type { Services } from '../../services.ts';
import { route } from '../http.ts';
import { runSelfCheck } from '../../temporal/self-check.ts';
import { VERSION } from '../../version.ts';

const infoSchema = z
  .object({
    version: z.string(),
    temporal: z.object({ namespace: z.string(), taskQueue: z.string(), uiUrl: z.string().optional() }),
    database: z.enum(['sqlite', 'postgresql']),
  })
  .meta({ id: 'SystemInfo' });

const selfCheckSchema = z
  .object({
    ok: z.boolean(),
    workflowId: z.string(),
    activity: z.object({ database: z.string(), dialect: z.string(), checkedAt: z.string() }),
  })
  .meta({ id: 'SelfCheck' });

export function systemRoutes(services: Services) {
  return [
    route({
      method: 'get',
      path: '/system',
      summary: 'Version and where this instance runs',
      tags: ['system'],
      scope: 'metrics:read',
      responses: { 200: { description: 'System information', schema: infoSchema } },
      handler: () => ({
        body: {
          version: VERSION,
          temporal: {
            namespace: services.temporal.namespace,
            taskQueue: services.temporal.taskQueue,
            ...(services.temporalUiUrl ? { uiUrl: services.temporalUiUrl } : {}),
          },
          database: services.config.database.kind,
        },
      }),
    }),
    route({
      method: 'post',
      path: '/system/self-check',
      summary: 'Run the self-check workflow (API → Temporal → worker → activity → database)',
      tags: ['system'],
      scope: 'runs:write',
      temporal: true,
      responses: { 200: { description: 'The workflow result', schema: selfCheckSchema } },
      handler: async () => {
        const result = await runSelfCheck(services.temporal);
        return { body: result };
      },
    }),
  ];
}
