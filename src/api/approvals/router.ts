/** The approvals API: the inbox and deciding (the signed links are links-router.ts). */
import { z } from 'zod';
import { listApprovalInbox } from '../../approvals/inbox.ts';
import { approverFor, decide } from '../../approvals/decisions.ts';
import { memberships } from '../../approvals/groups.ts';
import type { Services } from '../../services.ts';
import { route } from '../http.ts';
import { idString } from '../ids.ts';
import { DECISION_CHANNELS } from '../../../workflows/automation/types.ts';

export const decisionSchema = z
  .object({
    approver: z.string().describe('who the decision counts for'),
    decidedBy: z.string().optional().describe('who decided for the approver (a key with approvals:act-as)'),
    decision: z.enum(['approve', 'reject']),
    comment: z.string().nullable(),
    decidedAt: z.string(),
    channel: z.enum(DECISION_CHANNELS).optional().describe('where it was decided (absent on decisions recorded before channels were)'),
    group: z.string().optional().describe('the `group:<name>` of the approvers through which the approver could decide'),
    form: z.record(z.string(), z.unknown()).optional().describe("the values of the step's form"),
  })
  .meta({ id: 'ApprovalDecision' });

const wfParams = z.object({ workflowId: idString });

/**
 * Deciding an approval, `POST /runs/{workflowId}/approvals/{stepId}`. Listed right after the
 * run routes in `API_V1_MODULES` (src/app.ts), where the route always was, so the OpenAPI
 * document keeps its order.
 */
export function approvalDecisionRoutes(services: Services) {
  return [
    route({
      method: 'post',
      path: '/runs/:workflowId/approvals/:stepId',
      bodyToTemporalOnly: true,
      summary: 'Decide a pending approval',
      description:
        "The decision is recorded as the caller's principal. `approver` may name someone else only with the `approvals:act-as` scope; the decision then counts for `approver` and records `decidedBy` (the caller).",
      tags: ['approvals'],
      scope: 'approvals:decide',
      temporal: true,
      params: wfParams.extend({ stepId: idString }),
      body: z
        .object({
          decision: z.enum(['approve', 'reject']),
          approver: z.string().min(1).max(200).optional().describe("decide for this approver (needs approvals:act-as); default: the caller's principal"),
          comment: z.string().max(10_000).optional(),
          form: z.record(z.string(), z.unknown()).optional().describe("values of the step's form (required to approve a step with a form; validated against it)"),
        })
        .meta({ id: 'Decide' }),
      responses: {
        200: { description: 'The recorded decision', schema: decisionSchema },
        403: { description: 'Approver not allowed, or the key lacks approvals:decide / approvals:act-as' },
        404: { description: 'Unknown run or step' },
        409: { description: 'Already decided or not waiting' },
      },
      handler: async ({ params, body, principal, res }) => ({
        body: await decide(services, params.workflowId, {
          stepId: params.stepId,
          decision: body.decision,
          ...approverFor(principal!, body.approver),
          comment: body.comment ?? null,
          ...(body.form !== undefined ? { form: body.form } : {}),
          channel: res.locals['viaConsole'] === true ? 'console' : 'api',
        }),
      }),
    }),
  ];
}

/** The approvals inbox, `GET /approvals`. */
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
