import { z } from 'zod';
import { listPendingApprovals } from '../../automations/runs.ts';
import type { Services } from '../../services.ts';
import { route } from '../http.ts';
import { temporalUnavailableResponse } from '../temporal-responses.ts';

export function approvalRoutes(services: Services) {
  return [
    route({
      method: 'get',
      path: '/approvals',
      summary: 'Pending approvals of waiting runs',
      tags: ['approvals'],
      query: z.object({ status: z.enum(['pending']).default('pending'), automationId: z.string().optional() }),
      responses: { 200: { description: 'Approvals', schema: z.object({ items: z.array(z.record(z.string(), z.unknown())) }) }, ...temporalUnavailableResponse },
      handler: async ({ query }) => ({ body: { items: await listPendingApprovals(services, query) } }),
    }),
  ];
}
