import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseDefinition, stepBase } from '../../src/automations/definition.ts';
import { issueStepLinks, signApprovalToken, verifyApprovalToken } from '../../src/approvals/links.ts';
import { eventTypeMatches } from '../../src/automations/resolver.ts';
import { keyringFromText } from '../../src/security/master-key.ts';
import { durationMs } from '../../workflows/automation/duration.ts';
import { evaluateCondition, renderValue, type TemplateContext } from '../../workflows/automation/template.ts';
import { TemplateError } from '../../workflows/errors.ts';
import { ApprovalLinkError, type DefinitionError } from '../../src/errors.ts';

const base = { name: 'x', trigger: { type: 'manual' } };
const problems = (doc: unknown): string[] => {
  try {
    parseDefinition(doc);
    return [];
  } catch (err) {
    return (err as DefinitionError).problems;
  }
};

describe('automation definitions', () => {
  it('accepts every step kind and trigger', () => {
    const def = parseDefinition({
      name: 'all',
      trigger: { type: 'webhook', connection: 'conn_1', events: ['github.issues.*'], filter: "payload.action = 'opened'" },
      input: { type: 'object', properties: { n: { type: 'number' } } },
      budget: { maxSteps: 50 },
      steps: [
        { id: 'a', type: 'action', connection: 'conn_1', action: 'add_comment', input: { body: '{{ input.n }}' }, retry: { maxAttempts: 3, initialInterval: '2s', backoff: 2, nonRetryable: ['FORBIDDEN'] }, timeout: '30s', onError: 'continue' },
        { id: 'c', type: 'condition', if: 'input.n > 1', then: [{ id: 'c1', type: 'transform', output: 1, onError: 'goto:end' }], else: [] },
        { id: 'p', type: 'parallel', branches: [[{ id: 'p1', type: 'wait', duration: '1m' }], [{ id: 'p2', type: 'wait', until: '{{ input.at }}' }]] },
        { id: 'ap', type: 'approval', approvers: ['a', 'b'], quorum: 2, timeout: '3d', remind: { every: '1d', action: { connection: 'conn_1', action: 'send_message', input: {} } }, onTimeout: 'goto:end' },
        { id: 'sub', type: 'automation', automation: 'auto_x', input: {} },
        { id: 'end', type: 'transform', output: null },
      ],
    });
    expect(def.steps).toHaveLength(6);
  });

  it('lists every problem: duplicate ids, missing or unreachable goto targets, bad templates, schemas', () => {
    const found = problems({
      ...base,
      steps: [
        { id: 'a', type: 'transform', output: '{{ input. }}' },
        { id: 'a', type: 'transform', output: 1 },
        { id: 'p', type: 'parallel', branches: [[{ id: 'inner', type: 'transform', output: 1, onError: 'goto:a' }]] },
        { id: 'w', type: 'transform', output: 1, onError: 'goto:inner' },
      ],
    });
    expect(found.join('\n')).toMatch(/duplicate step id "a"/);
    expect(found.join('\n')).toMatch(/does not parse/);
    expect(found.join('\n')).toMatch(/\(inner\): goto target "a"/); // not across a parallel branch
    expect(found.join('\n')).toMatch(/\(w\): goto target "inner"/); // not into a nested list
    expect(problems({ ...base, steps: [{ id: 'w', type: 'wait', duration: '1m', until: 'x' }] })).toHaveLength(1);
    expect(problems({ ...base, steps: [{ id: 'q', type: 'approval', approvers: ['a'], quorum: 2, timeout: '1d', onTimeout: 'fail' }] }).join()).toMatch(/quorum/);
    expect(problems({ ...base, steps: [{ id: 'x', type: 'nope' }] })).not.toEqual([]);
    expect(problems({ ...base, steps: [{ id: 'x', type: 'wait', duration: 'soon' }] }).join()).toMatch(/duration/);
    expect(problems({ ...base, steps: [] })).not.toEqual([]);
  });

  it('checks approval escalation: approvers or an action, step approvers to add to, and a time inside the timeout', () => {
    const approval = (escalate: unknown, extra: object = { approvers: ['lead'] }) => ({
      name: 'e',
      trigger: { type: 'manual' },
      steps: [{ id: 'r', type: 'approval', timeout: '3d', onTimeout: 'reject', escalate, ...extra }],
    });
    expect(problems(approval({ after: '1d', approvers: ['boss'] }))).toEqual([]);
    expect(problems(approval({ after: '1d', action: { connection: 'c', action: 'send_message', input: { text: 'late' } } }, {}))).toEqual([]);
    expect(problems(approval({ after: '1d' })).join('\n')).toMatch(/escalate needs approvers, an action, or both/);
    expect(problems(approval({ after: '1d', approvers: ['boss'] }, {})).join('\n')).toMatch(/escalate\.approvers.*needs approvers on the step/);
    expect(problems(approval({ after: '3d', approvers: ['boss'] })).join('\n')).toMatch(/escalate\.after.*shorter than timeout/);
    expect(problems(approval({ after: 'soon', approvers: ['boss'] })).join('\n')).toMatch(/duration/);
  });

  it('takes an approval title, description and labelled context, and says which field is wrong', () => {
    const approval = (extra: object) => ({ name: 't', trigger: { type: 'manual' }, steps: [{ id: 'r', type: 'approval', timeout: '1d', onTimeout: 'reject', ...extra }] });
    const shown = { title: 'Refund {{ trigger.payload.amount }} €?', description: 'Asked by {{ trigger.payload.email }}', context: [{ label: 'Order', value: '{{ trigger.payload.order }}' }] };
    expect(problems(approval(shown))).toEqual([]);
    expect(problems(approval({ title: '' })).join('\n')).toMatch(/steps\.0\.title/);
    expect(problems(approval({ context: [{ label: 'Order' }] })).join('\n')).toMatch(/steps\.0\.context\.0\.value/);
    expect(problems(approval({ context: [{ label: 'Order', value: 'x', colour: 'red' }] })).join('\n')).toMatch(/colour/);
    expect(problems(approval({ context: { Order: 'x' } })).join('\n')).toMatch(/steps\.0\.context/);
  });

  it('parses durations', () => {
    expect(durationMs('3d')).toBe(259_200_000);
    expect(durationMs('500ms')).toBe(500);
    expect(() => durationMs('3 days')).toThrow(/invalid duration/);
  });
});

describe('templates', () => {
  const ctx: TemplateContext = { input: { n: 5, s: 'hi', list: [1, 2], nested: { deep: true } }, trigger: { type: 'manual' }, steps: { a: { output: { v: 'x' } } }, run: { workflowId: 'run:a:b' } };

  it('keeps the type of whole templates and interpolates mixed ones', async () => {
    expect(await renderValue('{{ input.n }}', ctx)).toBe(5);
    expect(await renderValue(' {{ input.nested }} ', ctx)).toEqual({ deep: true });
    expect(await renderValue('{{ input.list }}', ctx)).toEqual([1, 2]);
    expect(await renderValue('n={{ input.n }} {{ input.nested }}', ctx)).toBe('n=5 {"deep":true}');
    expect(await renderValue({ a: ['{{ steps.a.output.v }}', 3], b: '{{ run.workflowId }}' }, ctx)).toEqual({ a: ['x', 3], b: 'run:a:b' });
  });

  it('names the undefined part of a path', async () => {
    const err = await renderValue('{{ steps.b.output.v }}', ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TemplateError);
    expect(err).toMatchObject({ code: 'INVALID_INPUT', path: 'steps.b' });
  });

  it('refuses prototype, constructor, process and require access', async () => {
    for (const t of ['{{ input.constructor }}', '{{ input.__proto__ }}', '{{ input.list.prototype }}', '{{ process }}', '{{ require }}', '{{ $eval("1") }}', '{{ $lookup(input, "__proto__") }}']) {
      await expect(renderValue(t, ctx)).rejects.toThrow(/forbidden/);
    }
  });

  it('conditions treat missing values and empty lists as false', async () => {
    expect(await evaluateCondition('input.missing', ctx)).toBe(false);
    expect(await evaluateCondition('{{ input.n > 3 }}', ctx)).toBe(true);
    expect(await evaluateCondition("'z' in input.list", ctx)).toBe(false);
  });
});

describe('webhook subscriptions and approval links', () => {
  it('matches event type patterns', () => {
    expect(eventTypeMatches('github.issues.opened', 'github.issues.opened')).toBe(true);
    expect(eventTypeMatches('github.issues.*', 'github.issues.opened')).toBe(true);
    expect(eventTypeMatches('github.*.opened', 'github.issues.opened')).toBe(true);
    expect(eventTypeMatches('github.*', 'github.issues.opened')).toBe(true);
    expect(eventTypeMatches('*', 'anything')).toBe(true);
    expect(eventTypeMatches('github.issues.*', 'github.pull_request.opened')).toBe(false);
    expect(eventTypeMatches('github.issues', 'github.issues.opened')).toBe(false);
  });

  it('signs links that verify, and refuses tampered, foreign-key or expired ones', () => {
    const keyring = keyringFromText(Buffer.alloc(32, 1).toString('base64'));
    const other = keyringFromText(Buffer.alloc(32, 2).toString('base64'));
    const claims = { w: 'run:a:b', s: 'review', a: 'ann', d: 'approve' as const, n: 'nonce', e: Math.floor(Date.now() / 1000) + 60 };
    const token = signApprovalToken(keyring, claims);
    expect(verifyApprovalToken(keyring, token)).toEqual(claims);
    expect(() => verifyApprovalToken(other, token)).toThrow(ApprovalLinkError);
    // During a master-key rotation (new key first, old key still listed) links already sent keep working.
    const rotating = keyringFromText(`${Buffer.alloc(32, 2).toString('base64')},${Buffer.alloc(32, 1).toString('base64')}`);
    expect(verifyApprovalToken(rotating, token)).toEqual(claims);
    const [body, mac] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...claims, a: 'mallory' })).toString('base64url');
    expect(() => verifyApprovalToken(keyring, `${forged}.${mac}`)).toThrow(/signature/);
    expect(() => verifyApprovalToken(keyring, `${body}.${mac}`, Date.now() + 120_000)).toThrow(/expired/);
    const perApprover = issueStepLinks(keyring, 'https://sb.test', 'run:a:b', { stepId: 'review', approvers: ['ann', 'bob'] }) as Record<string, { approve: string }>;
    expect(Object.keys(perApprover)).toEqual(['ann', 'bob']);
    expect(perApprover['ann']!.approve).toMatch(/^https:\/\/sb\.test\/approval-links\//);
  });
});

describe('the published schema of goto targets', () => {
  it('states the step-id form of onError targets, so schema-valid means well-formed', () => {
    const schema = JSON.stringify(z.toJSONSchema(stepBase.shape.onError, { io: 'input' }));
    expect(schema).toContain('^goto:[A-Za-z_][\\\\w-]{0,63}$');
    expect(stepBase.shape.onError.safeParse('goto:has space').success).toBe(false);
    expect(stepBase.shape.onError.safeParse('goto:retry_step').success).toBe(true);
  });
});
