/**
 * `/approval-links/:token` (public, no API key: the signed token is the
 * authentication). `GET` shows what the link will do with a button (link previews
 * in Slack or mail clients fetch GETs, so a GET never decides); `POST` decides once.
 */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import express, { type Router } from 'express';
import { z } from 'zod';
import { ApprovalLinkError, verifyApprovalToken, type ApprovalLinkClaims } from '../../automations/links.ts';
import { decide } from '../../automations/runs.ts';
import { ApprovalLinkUse } from '../../db/entities/index.ts';
import { ApiError } from '../../errors.ts';
import type { Services } from '../../services.ts';
import { errorBodySchema, methodNotAllowed, mountRoutes, route } from '../http.ts';
import { decisionSchema } from '../runs/router.ts';

const escape = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function claimsOf(services: Services, token: string): ApprovalLinkClaims {
  try {
    return verifyApprovalToken(services.keyring, token);
  } catch (err) {
    if (err instanceof ApprovalLinkError) throw new ApiError(404, 'NOT_FOUND', err.message);
    throw new ApiError(404, 'NOT_FOUND', 'malformed approval link');
  }
}

/** Records the link as used; a second use answers 409. */
async function claimOnce(services: Services, claims: ApprovalLinkClaims): Promise<void> {
  const em = services.orm.em.fork();
  if (await em.findOne(ApprovalLinkUse, { nonce: claims.n })) throw new ApiError(409, 'CONFLICT', 'this approval link has already been used');
  em.create(ApprovalLinkUse, { nonce: claims.n, workflowId: claims.w, stepId: claims.s, approver: claims.a, decision: claims.d });
  try {
    await em.flush();
  } catch {
    // Unique violation: a concurrent use won.
    throw new ApiError(409, 'CONFLICT', 'this approval link has already been used');
  }
}

export function approvalLinksRouter(services: Services, registry: OpenAPIRegistry): Router {
  const router = express.Router();
  router.use(express.urlencoded({ extended: false, limit: '4kb' }));
  // A token is base64url text, a dot and a MAC, a few hundred characters: longer or other
  // characters are refused as they are (a longer path would overflow Node's header limit, 431).
  const tokenParams = z.object({ token: z.string().min(1).max(2048).regex(/^[A-Za-z0-9_.-]+$/, 'must be a signed link token') });
  const routes = [
      route({
        method: 'get',
        path: '/:token',
        summary: 'Confirmation page of a signed approval link (does not decide)',
        tags: ['approvals'],
        params: tokenParams,
        responses: { 200: { description: 'HTML page' }, 404: { description: 'Invalid or expired link', schema: errorBodySchema } },
        handler: ({ params, res }) => {
          const c = claimsOf(services, params.token);
          res
            .status(200)
            .type('html')
            .send(
              `<!doctype html><meta charset="utf-8"><title>Approval</title><h1>${c.d === 'approve' ? 'Approve' : 'Reject'} step ${escape(c.s)}</h1>` +
                `<p>Run <code>${escape(c.w)}</code>, as <b>${escape(c.a)}</b>.</p>` +
                `<form method="post"><button type="submit">${c.d === 'approve' ? 'Approve' : 'Reject'}</button></form>`,
            );
        },
      }),
      route({
        method: 'post',
        path: '/:token',
        summary: 'Decide through a signed, single-use approval link',
        tags: ['approvals'],
        params: tokenParams,
        temporal: true,
        responses: {
          200: { description: 'The recorded decision', schema: decisionSchema },
          404: { description: 'Invalid link, unknown run or step', schema: errorBodySchema },
          409: { description: 'Link used, or step already decided', schema: errorBodySchema },
        },
        handler: async ({ params }) => {
          const c = claimsOf(services, params.token);
          await claimOnce(services, c);
          const decision = await decide(services, c.w, { stepId: c.s, decision: c.d, approver: c.a, comment: 'via approval link' });
          return { body: decision };
        },
      }),
  ];
  mountRoutes(router, registry, '/approval-links', routes, { secured: false });
  methodNotAllowed(router, routes);
  return router;
}
