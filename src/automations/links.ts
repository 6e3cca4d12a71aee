/**
 * Signed, single-use approval links. A token is `<payload b64url>.<HMAC-SHA256
 * b64url>`; the HMAC key is derived (HKDF) from the current master key (any configured key verifies, so links survive a rotation), so no new
 * secret is needed. Approve and reject links of one step and approver share a
 * nonce: using either uses both (recorded in `approval_link_uses`).
 */
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { Keyring } from '../security/crypto.ts';
import { nanoid } from '../security/random.ts';
import { LINK_APPROVER } from '../../workflows/automation/definitions.ts';
import { approvalLinkSteps } from '../../workflows/automation/approval-links.ts';
import type { AutomationDefinition } from '../../workflows/automation/types.ts';
import { ApprovalLinkError } from '../errors.ts';

export interface ApprovalLinkClaims {
  /** workflow id */
  w: string;
  /** step id */
  s: string;
  /** approver recorded for the decision */
  a: string;
  d: 'approve' | 'reject';
  /** nonce shared by the approve/reject pair */
  n: string;
  /** expiry, seconds since the epoch */
  e: number;
  /** where the link was sent (`email`), recorded as the decision's channel; absent: a plain link */
  c?: 'email';
}

/** Mount path of the public link route. */
export const APPROVAL_LINK_PATH = '/approval-links';
const DEFAULT_TTL_MS = 90 * 86_400_000;

function linkKey(masterKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, 'switchboard', 'approval-links/v1', 32));
}

export function signApprovalToken(keyring: Keyring, claims: ApprovalLinkClaims): string {
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const mac = createHmac('sha256', linkKey(keyring.current.key)).update(body).digest('base64url');
  return `${body}.${mac}`;
}

export function verifyApprovalToken(keyring: Keyring, token: string, now = Date.now()): ApprovalLinkClaims {
  const [body, mac, extra] = token.split('.');
  if (!body || !mac || extra !== undefined) throw new ApprovalLinkError('malformed approval link');
  const given = Buffer.from(mac, 'base64url');
  // Links already sent stay valid during a master-key rotation: any configured key verifies.
  const valid = keyring.keyIds.some((id) => {
    const expected = createHmac('sha256', linkKey(keyring.keyFor(id)!)).update(body).digest();
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!valid) throw new ApprovalLinkError('approval link signature is invalid');
  const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as ApprovalLinkClaims;
  if (claims.e * 1000 < now) throw new ApprovalLinkError('approval link has expired');
  return claims;
}

export interface LinkPair {
  approve: string;
  reject: string;
}

/**
 * Links for one approval step: `{ approve, reject }` when anyone may decide, or
 * `{ <approver>: { approve, reject } }` per listed approver.
 */
export function issueStepLinks(
  keyring: Keyring,
  publicUrl: string,
  workflowId: string,
  step: { stepId: string; approvers: string[] },
  ttlMs = DEFAULT_TTL_MS,
  channel?: 'email',
): LinkPair | Record<string, LinkPair> {
  const e = Math.floor((Date.now() + ttlMs) / 1000);
  const pair = (approver: string): LinkPair => {
    const n = nanoid(16);
    const url = (d: 'approve' | 'reject') =>
      `${publicUrl}${APPROVAL_LINK_PATH}/${signApprovalToken(keyring, { w: workflowId, s: step.stepId, a: approver, d, n, e, ...(channel ? { c: channel } : {}) })}`;
    return { approve: url('approve'), reject: url('reject') };
  };
  if (step.approvers.length === 0) return pair(LINK_APPROVER);
  return Object.fromEntries(step.approvers.map((a) => [a, pair(a)]));
}

/**
 * The links of every approval step of a definition for one run (`run.approvalLinks`: step id →
 * links), as the run's `issueApprovalLinks` activity would issue them; undefined when the
 * definition has no approval step. Starters put them in the run's input, saving the activity.
 */
export function runApprovalLinks(keyring: Keyring, publicUrl: string, workflowId: string, definition: Record<string, unknown>): Record<string, unknown> | undefined {
  const steps = approvalLinkSteps(definition as unknown as AutomationDefinition);
  if (steps.length === 0) return undefined;
  return Object.fromEntries(steps.map((s) => [s.stepId, issueStepLinks(keyring, publicUrl, workflowId, s)]));
}
