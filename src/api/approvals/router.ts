import { z } from 'zod';
import { listPendingApprovals } from '../../automations/runs.ts';
import type { Services } from '../../services.ts';
import { route } from '../http.ts';
import { idString } from '../ids.ts';

export function approvalRoutes(services: Services) {
  return [
    route({
      method: 'get',
      path: '/approvals',
      summary: 'Pending approvals of waiting runs',
      tags: ['approvals'],
      query: z.object({ status: z.enum(['pending']).default('pending'), automationId: idString.optional() }),
      temporal: true,
      responses: { 200: { description: 'Approvals', schema: z.object({ items: z.array(z.record(z.string(), z.unknown())) }) } },
      handler: async ({ query }) => ({ body: { items: await listPendingApprovals(services, query) } }),
    }),
  ];
}
