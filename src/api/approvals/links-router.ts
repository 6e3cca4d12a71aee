/**
 * `/approval-links/:token` (public, no API key: the signed token is the
 * authentication). `GET` shows what the link will do with a button (link previews
 * in Slack or mail clients fetch GETs, so a GET never decides); `POST` decides once.
 */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { verifyApprovalToken, type ApprovalLinkClaims } from '../../approvals/links.ts';
import { getRun } from '../../automations/runs.ts';
import { decide } from '../../approvals/decisions.ts';
import { ApprovalLinkUse } from '../../db/entities/index.ts';
import { ApiError } from '../../errors.ts';
import type { Services } from '../../services.ts';
import { errorBodySchema, methodNotAllowed, mountRoutes, route } from '../http.ts';
import { decisionSchema } from './router.ts';
import { toApiError } from '../errors.ts';
import { formValuesFrom } from './form-fields.ts';
import { decisionPage, deciderOf, errorPage, gonePage, outcomePage, type LinkContext } from './link-pages.ts';
import { ApprovalLinkError } from '../../errors.ts';

/** A browser (form post or page load) gets HTML pages; API clients keep JSON. */
const wantsHtml = (req: Request): boolean => req.accepts(['json', 'html']) === 'html' || !!req.is('application/x-www-form-urlencoded');

/**
 * The run's context for the page. A run that cannot be read just shows less; a run that
 * no longer exists, or no longer waits for this link's decision, makes the link gone (410).
 */
async function contextOf(services: Services, c: ApprovalLinkClaims): Promise<LinkContext> {
  let run: Awaited<ReturnType<typeof getRun>>;
  try {
    run = await getRun(services, c.w);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) throw new ApiError(410, 'GONE', 'the run of this approval no longer exists');
    return {};
  }
  const pending = run.pendingApprovals.find((p) => p.stepId === c.s);
  if (!pending) throw new ApiError(410, 'GONE', 'this approval has been decided or has timed out');
  if (pending.decisions.some((d) => d.approver === c.a)) throw new ApiError(410, 'GONE', `${deciderOf(c)} has already decided this approval`);
  return { automationName: run.name, pending };
}

function claimsOf(services: Services, token: string): ApprovalLinkClaims {
  try {
    return verifyApprovalToken(services.keyring, token);
  } catch (err) {
    if (err instanceof ApprovalLinkError && /expired/.test(err.message)) throw new ApiError(410, 'GONE', err.message);
    if (err instanceof ApprovalLinkError) throw new ApiError(404, 'NOT_FOUND', err.message);
    throw new ApiError(404, 'NOT_FOUND', 'malformed approval link');
  }
}

/** The choice of the page's buttons; a post without one decides what the link was made for. */
function decisionOf(c: ApprovalLinkClaims, body: unknown): 'approve' | 'reject' {
  const d = (body as { decision?: unknown } | undefined)?.decision;
  return d === 'approve' || d === 'reject' ? d : c.d;
}

const LINK_USED = 'this approval link has already been used';

/** 409 when the link (or its approve/reject twin) was used. */
async function refuseIfUsed(services: Services, claims: ApprovalLinkClaims): Promise<void> {
  if (await services.orm.em.fork().findOne(ApprovalLinkUse, { nonce: claims.n })) throw new ApiError(409, 'CONFLICT', LINK_USED);
}

/**
 * Records the link as used, after the run accepted its decision: a refused decision
 * (an escalation approver clicking before the escalation, say) leaves the link usable.
 * A concurrent twin cannot also be accepted: the run refuses a second decision by the
 * same approver, so a unique violation here only means the row exists already.
 */
async function markUsed(services: Services, claims: ApprovalLinkClaims): Promise<void> {
  const em = services.orm.em.fork();
  em.create(ApprovalLinkUse, { nonce: claims.n, workflowId: claims.w, stepId: claims.s, approver: claims.a, decision: claims.d });
  try {
    await em.flush();
  } catch (err) {
    if (!(err instanceof UniqueConstraintViolationException)) throw err;
  }
}

export function approvalLinksRouter(services: Services, registry: OpenAPIRegistry): Router {
  const router = express.Router();
  router.use(express.urlencoded({ extended: false, limit: '32kb' }));
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
        responses: {
          200: { description: 'HTML page: what is being decided, approve and reject with a comment' },
          404: { description: 'Invalid link', schema: errorBodySchema },
          410: { description: 'HTML page: the link was used or expired, or the approval was decided or timed out' },
        },
        handler: async ({ params, res }) => {
          const c = claimsOf(services, params.token);
          const used = await services.orm.em.fork().findOne(ApprovalLinkUse, { nonce: c.n });
          if (used) {
            res.status(410).type('html').send(gonePage(c, LINK_USED, used));
            return;
          }
          res.status(200).type('html').send(decisionPage(c, await contextOf(services, c)));
        },
      }),
      route({
        method: 'post',
        path: '/:token',
        summary: 'Decide through a signed, single-use approval link (used once its decision is accepted)',
        tags: ['approvals'],
        params: tokenParams,
        temporal: true,
        responses: {
          200: { description: 'The recorded decision', schema: decisionSchema },
          403: { description: 'The approver may not decide (yet); the link stays usable', schema: errorBodySchema },
          404: { description: 'Invalid link, unknown run or step', schema: errorBodySchema },
          409: { description: 'Link used, or step already decided', schema: errorBodySchema },
          410: { description: 'Expired link; for a browser also a used link or a decided approval (HTML page)', schema: errorBodySchema },
        },
        handler: async ({ params, req, res }) => {
          const c = claimsOf(services, params.token);
          const typed = (req.body as { comment?: unknown } | undefined)?.comment;
          const comment = typeof typed === 'string' && typed.trim() ? typed.trim().slice(0, 10_000) : 'via approval link';
          await refuseIfUsed(services, c);
          // Form fields are typed by the step's form, read from the run only when some were posted.
          const posted = Object.keys((req.body ?? {}) as object).some((k) => k === 'form' || k.startsWith('form.'));
          const form = posted ? formValuesFrom((await contextOf(services, c)).pending?.form, req.body) : undefined;
          const decision = await decide(services, c.w, { stepId: c.s, decision: decisionOf(c, req.body), approver: c.a, comment, ...(form ? { form } : {}), channel: c.c === 'email' ? 'email' : 'link' });
          await markUsed(services, c);
          if (wantsHtml(req)) {
            res.status(200).type('html').send(outcomePage(c, decision));
            return;
          }
          return { body: decision };
        },
      }),
  ];
  mountRoutes(router, registry, '/approval-links', routes, { secured: false });
  methodNotAllowed(router, routes);
  // Failures of a browser's form post read as a page too; API clients keep the JSON error.
  router.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    const e = toApiError(err);
    if (e.status >= 500) return next(err);
    // For a person, a used link or a decided approval is simply no longer open.
    const status = e.status === 409 ? 410 : e.status;
    // A browser reads every failure as a page; other clients get the documented answer: the 410 page of a GET, JSON otherwise.
    if (!wantsHtml(req) && !(req.method === 'GET' && status === 410)) return next(err);
    res.status(status).type('html').send(errorPage(status, e.message));
  });
  return router;
}
