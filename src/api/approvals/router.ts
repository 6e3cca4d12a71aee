import { z } from 'zod';
import { listApprovalInbox } from '../../automations/approval-inbox.ts';
import { memberships } from '../../automations/groups.ts';
import type { Services } from '../../services.ts';
import { route } from '../http.ts';
import { idString } from '../ids.ts';

export function approvalRoutes(services: Services) {
  return [
    route({
      method: 'get',
      path: '/approvals',
      summary: 'Pending approvals of waiting runs (paginated)',
      tags: ['approvals'],
      scope: 'approvals:read',
      description:
        "`mine=true`: only the approvals the caller's principal may decide now (the step lists it or a group it belongs to, or lists nobody; `selfApproval: false` may refuse it) and has not decided: the principal's inbox, those naming it first. " +
        'Found through the inbox index, one page of waiting runs at a time: follow `nextCursor` until it is null; `total` counts the waiting runs that match.',
      query: z.object({
        status: z.enum(['pending']).default('pending'),
        automationId: idString.optional(),
        mine: z.enum(['true', 'false']).optional().describe("only approvals the caller's principal may decide"),
        limit: z.coerce.number().int().min(1).max(200).default(50).describe('waiting runs per page'),
        cursor: z.string().max(4096).optional().describe('the `nextCursor` of the previous page'),
      }),
      temporal: true,
      responses: {
        200: {
          description: 'A page of pending approvals',
          schema: z.object({ items: z.array(z.record(z.string(), z.unknown())), total: z.number().int(), nextCursor: z.string().nullable() }),
        },
      },
      handler: async ({ query, principal }) => ({
        body: await listApprovalInbox(services, {
          automationId: query.automationId,
          decidableBy: query.mine === 'true' ? principal!.name : undefined,
          groups: query.mine === 'true' ? await memberships(services.orm.em.fork(), principal!.name) : undefined,
          limit: query.limit,
          cursor: query.cursor,
        }),
      }),
    }),
  ];
}
