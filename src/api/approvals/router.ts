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
      scope: 'approvals:read',
      description: "`mine=true`: only the approvals the caller's principal may decide now (the step lists it, or lists nobody) and has not decided: the principal's inbox.",
      query: z.object({
        status: z.enum(['pending']).default('pending'),
        automationId: idString.optional(),
        mine: z.enum(['true', 'false']).optional().describe("only approvals the caller's principal may decide"),
      }),
      temporal: true,
      responses: { 200: { description: 'Approvals', schema: z.object({ items: z.array(z.record(z.string(), z.unknown())) }) } },
      handler: async ({ query, principal }) => ({
        body: { items: await listPendingApprovals(services, { automationId: query.automationId, decidableBy: query.mine === 'true' ? principal!.name : undefined }) },
      }),
    }),
  ];
}
