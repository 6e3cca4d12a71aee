/**
 * Signed, single-use approval links. A token is `<payload b64url>.<HMAC-SHA256
 * b64url>`; the HMAC key is derived (HKDF) from the current master key (any configured key verifies, so links survive a rotation), so no new
 * secret is needed. Approve and reject links of one step and approver share a
 * nonce: using either uses both (recorded in `approval_link_uses`).
 *
 * The workflow never holds a usable token: starters and the `issueApprovalLinks` activity
 * put *link references* (`<publicUrl>/approval-links/<payload>`, no MAC) in
 * `run.approvalLinks`, so inputs, results and history (the Temporal UI) cannot decide.
 * Activities that send a message out sign the references of their own run just before
 * sending (`signLinksIn`) and take the MACs out of what they return (`unsignLinksIn`).
 * Links issued before this were signed in the input; they verify as before.
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

/** The unsigned part of a token (its payload): names the link, cannot decide. */
export function linkReference(claims: ApprovalLinkClaims): string {
  return Buffer.from(JSON.stringify(claims)).toString('base64url');
}

/** A link reference's claims, or undefined when it is not one. */
function referenceClaims(ref: string): ApprovalLinkClaims | undefined {
  try {
    const c = JSON.parse(Buffer.from(ref, 'base64url').toString('utf8')) as Partial<ApprovalLinkClaims>;
    const ok = typeof c.w === 'string' && typeof c.s === 'string' && typeof c.a === 'string' && (c.d === 'approve' || c.d === 'reject') && typeof c.n === 'string' && typeof c.e === 'number';
    return ok ? (c as ApprovalLinkClaims) : undefined;
  } catch {
    return undefined;
  }
}

// A reference in a link: the path, then base64url not followed by a MAC (signed tokens stay as they are).
const REFERENCE_RE = new RegExp(`${APPROVAL_LINK_PATH}/([A-Za-z0-9_-]{16,2048})(?![A-Za-z0-9_.-])`, 'g');

/** Applies `f` to every string of a JSON value (objects and arrays copied, the rest as is). */
function mapStrings(value: unknown, f: (s: string) => string): unknown {
  if (typeof value === 'string') return f(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, f));
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, f)]));
  }
  return value;
}

/**
 * `value` with every link reference of run `workflowId` signed (the token a person can use),
 * and the tokens signed (for {@link unsignLinksIn}). References of other runs stay unsigned:
 * a definition cannot have links of someone else's run signed by naming them.
 */
export function signLinksIn<T>(keyring: Keyring, workflowId: string, value: T): { value: T; signed: string[] } {
  const signed = new Set<string>();
  const out = mapStrings(value, (s) =>
    s.includes(APPROVAL_LINK_PATH)
      ? s.replace(REFERENCE_RE, (whole, ref: string) => {
          const claims = referenceClaims(ref);
          // A loop batch (`<run>/<loop>[a-b]`) sends its run's links too.
          if (!claims || (claims.w !== workflowId && !workflowId.startsWith(`${claims.w}/`))) return whole;
          const token = signApprovalToken(keyring, claims);
          signed.add(token);
          return `${APPROVAL_LINK_PATH}/${token}`;
        })
      : s,
  ) as T;
  return { value: out, signed: [...signed] };
}

/** `value` with the MAC of every token in `signed` taken out again (what an activity returns to history). */
export function unsignLinksIn<T>(value: T, signed: readonly string[]): T {
  if (signed.length === 0) return value;
  return mapStrings(value, (s) => signed.reduce((acc, token) => (acc.includes(token) ? acc.split(token).join(token.slice(0, token.indexOf('.'))) : acc), s)) as T;
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
  step: { stepId: string; approvers: string[]; anyone?: false | undefined },
  ttlMs = DEFAULT_TTL_MS,
  channel?: 'email',
): LinkPair | Record<string, LinkPair> {
  const e = Math.floor((Date.now() + ttlMs) / 1000);
  const pair = (approver: string): LinkPair => {
    const n = nanoid(16);
    const claims = (d: 'approve' | 'reject'): ApprovalLinkClaims => ({ w: workflowId, s: step.stepId, a: approver, d, n, e, ...(channel ? { c: channel } : {}) });
    // A channel's activity (email) sends the links at once: signed there, never in history. Otherwise references (see above).
    const url = (d: 'approve' | 'reject') => `${publicUrl}${APPROVAL_LINK_PATH}/${channel ? signApprovalToken(keyring, claims(d)) : linkReference(claims(d))}`;
    return { approve: url('approve'), reject: url('reject') };
  };
  if (step.approvers.length === 0) return step.anyone === false ? {} : pair(LINK_APPROVER);
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
