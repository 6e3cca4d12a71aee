/**
 * The `wait_for_event` step in the definition language: what saves, what is refused at
 * save (with paths), the key text both sides of a match use, and which event types the
 * index looks up under a pattern.
 */
import { describe, expect, it } from 'vitest';
import { parseDefinition } from '../../src/automations/definition.ts';
import { indexKey } from '../../src/automations/event-waits.ts';
import { eventTypeMatches } from '../../src/automations/resolver.ts';
import { DefinitionError } from '../../src/errors.ts';
import { waitKeyOf } from '../../workflows/automation/event-waits.ts';

const wait = (fields: Record<string, unknown> = {}) => ({
  id: 'closed',
  type: 'wait_for_event',
  event: 'github.pull_request.closed',
  key: '{{ trigger.payload.pull_request.number }}',
  eventKey: 'payload.pull_request.number',
  timeout: '3d',
  ...fields,
});
const doc = (...steps: unknown[]) => ({ name: 'w', trigger: { type: 'manual' }, steps });
const issues = (d: unknown, opts?: { dedupeWindowDays?: number }) => {
  try {
    parseDefinition(d, opts);
    return [];
  } catch (err) {
    if (!(err instanceof DefinitionError)) throw err;
    return err.issues;
  }
};

describe('wait_for_event definitions', () => {
  it('accepts a full wait, also inside condition and parallel branches', () => {
    const full = wait({ connection: 'conn_1', if: "event.payload.pull_request.merged and input.repo = event.payload.repository.full_name", onTimeout: 'continue' });
    expect(parseDefinition(doc(full)).steps[0]).toEqual(full);
    expect(issues(doc({ id: 'p', type: 'parallel', branches: [[wait({ event: 'github.*' })], [wait({ id: 'w2', event: '*' })]] }))).toEqual([]);
  });

  it('refuses a wait without timeout, with a bad pattern, bad JSONata or unknown fields, each with its path', () => {
    const { timeout: _t, ...noTimeout } = wait();
    const found = issues(doc(noTimeout, wait({ id: 'b', event: 'github..closed' }), wait({ id: 'c', eventKey: 'payload.(' }), wait({ id: 'd', if: '$$$ +' }), wait({ id: 'e', onTimeout: 'approve', extra: 1 })));
    const paths = found.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['steps.0.timeout', 'steps.1.event', 'steps.2.eventKey', 'steps.3.if', 'steps.4.onTimeout']));
    expect(found.find((i) => i.path === 'steps.2.eventKey')!.message).toMatch(/not a valid JSONata expression/);
    expect(found.some((i) => i.path === 'steps.4' && /extra/.test(i.message))).toBe(true);
  });

  it('bounds the timeout by the dedupe window, also in nested steps', () => {
    expect(issues(doc(wait({ timeout: '7d' })))).toEqual([]);
    expect(issues(doc(wait({ timeout: '8d' })))).toEqual([{ path: 'steps.0.timeout', message: expect.stringContaining('dedupe window of 7 day(s)') }]);
    expect(issues(doc(wait({ timeout: '8d' })), { dedupeWindowDays: 30 })).toEqual([]);
    const nested = doc({ id: 'c', type: 'condition', if: 'true', then: [{ id: 'p', type: 'parallel', branches: [[wait({ timeout: '2w' })]] }] });
    expect(issues(nested).map((i) => i.path)).toEqual(['steps.0.then.0.branches.0.0.timeout']);
  });

  it('compares keys as text: numbers and strings alike, nothing is no key, long keys hashed', () => {
    expect(waitKeyOf(42)).toBe('42');
    expect(waitKeyOf('42')).toBe('42');
    expect(waitKeyOf(true)).toBe('true');
    expect(waitKeyOf({ a: 1 })).toBe('{"a":1}');
    expect(waitKeyOf(null)).toBeUndefined();
    expect(waitKeyOf(undefined)).toBeUndefined();
    expect(indexKey('k'.repeat(200))).toBe('k'.repeat(200));
    expect(indexKey('k'.repeat(201))).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('matches patterns like webhook triggers', () => {
    expect(eventTypeMatches('github.pull_request.*', 'github.pull_request.closed')).toBe(true);
    expect(eventTypeMatches('github.*.closed', 'github.pull_request.closed')).toBe(true);
    expect(eventTypeMatches('github.pull_request.closed', 'github.pull_request.opened')).toBe(false);
  });
});
