/**
 * `POST /automations/:id/test-event`: a run of a webhook automation from a sample payload,
 * shaped like a delivery's run (trigger `webhook`, input = payload) and marked `test: true`;
 * the run view shows the trigger. Real API, worker, Temporal dev server and SQLite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAutomationsClient } from '../../src/client/index.ts';
import { Connection } from '../../src/db/entities/index.ts';
import { createAutomation, waitForRun } from '../support/runs.ts';
import { startTestStack, TEST_API_KEY, type TestStack } from '../support/stack.ts';

describe('test events', () => {
  let stack: TestStack;
  let hookId = '';
  beforeAll(async () => {
    stack = await startTestStack();
    const em = stack.services.orm.em.fork();
    em.create(Connection, { id: 'conn_testevent', connector: 'github', name: 'gh', config: {}, secrets: null, secretFields: [] });
    await em.flush();
    hookId = (
      await createAutomation(stack, {
        name: 'bug triage',
        trigger: { type: 'webhook', connection: 'conn_testevent', events: ['github.issues.*', 'github.issues.opened'], filter: "'bug' in payload.issue.labels.name" },
        steps: [{ id: 'title', type: 'transform', output: '{{ trigger.event & ": " & input.issue.title }}' }],
      })
    ).id;
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('starts a webhook-shaped run marked test from the sample payload', async () => {
    const payload = { issue: { title: 'crash on save', labels: [{ name: 'bug' }] } };
    const res = await stack.api(`/api/v1/automations/${hookId}/test-event`, { method: 'POST', json: { payload } });
    expect(res.status, await res.clone().text()).toBe(202);
    const started = (await res.json()) as { workflowId: string; event: { id: string; type: string } };
    // The first exact pattern is the default type.
    expect(started.event.type).toBe('github.issues.opened');
    expect(started.event.id).toMatch(/^test-/);
    const run = await waitForRun(stack, started.workflowId, (r) => r.status === 'completed', 'test-event run');
    expect(run.steps[0]!.output).toBe('github.issues.opened: crash on save');
    const view = run as unknown as { trigger: { type: string; test?: boolean; event: { type: string; id: string; source: unknown; payload: unknown } }; steps: { startedAt?: string; finishedAt?: string }[] };
    expect(view.trigger).toMatchObject({ type: 'webhook', test: true, event: { type: 'github.issues.opened', id: started.event.id, source: { connector: 'github', connectionId: 'conn_testevent' }, payload } });
    expect(Date.parse(view.steps[0]!.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(view.steps[0]!.startedAt!));

    // A manual run's trigger says who started it.
    const manual = await createAutomation(stack, { name: 'manual one', trigger: { type: 'manual' }, steps: [{ id: 't', type: 'transform', output: 1 }] });
    const m = (await (await stack.api(`/api/v1/automations/${manual.id}/runs`, { method: 'POST', json: { input: {} } })).json()) as { workflowId: string };
    const mrun = await waitForRun(stack, m.workflowId, (r) => r.status === 'completed', 'manual run');
    expect((mrun as unknown as { trigger: unknown }).trigger).toMatchObject({ type: 'manual' });

    // Not webhook-triggered: 409, nothing started.
    const wrong = await stack.api(`/api/v1/automations/${manual.id}/test-event`, { method: 'POST', json: { payload: {} } });
    expect(wrong.status).toBe(409);
    expect(((await wrong.json()) as { error: { code: string; message: string } }).error.message).toMatch(/not by a webhook/);
  });

  it('the client sends test events too, with an explicit type', async () => {
    const sb = createAutomationsClient({ baseUrl: stack.baseUrl, apiKey: TEST_API_KEY });
    const started = await sb.sendTestEvent(hookId, { issue: { title: 'edited', labels: [{ name: 'bug' }] } }, { type: 'github.issues.edited' });
    expect(started.event.type).toBe('github.issues.edited');
    const run = await waitForRun(stack, started.workflowId, (r) => r.status === 'completed', 'client test-event run');
    expect(run.steps[0]!.output).toBe('github.issues.edited: edited');
  });

  it('refuses a sample a real delivery would not start: type outside the patterns, filter false, no payload', async () => {
    const post = (body: unknown) => stack.api(`/api/v1/automations/${hookId}/test-event`, { method: 'POST', json: body });
    const badType = await post({ type: 'github.push', payload: { issue: { labels: [{ name: 'bug' }] } } });
    expect(badType.status).toBe(400);
    expect(((await badType.json()) as { error: { details: { path: string }[] } }).error.details[0]!.path).toBe('body.type');

    const filtered = await post({ type: 'github.issues.edited', payload: { issue: { title: 'x', labels: [{ name: 'docs' }] } } });
    expect(filtered.status).toBe(400);
    const body = (await filtered.json()) as { error: { code: string; message: string; details: { path: string }[] } };
    expect(body.error.code).toBe('INVALID_INPUT');
    expect(body.error.message).toMatch(/filter is false/);
    expect(body.error.details[0]!.path).toBe('body.payload');

    const missing = await post({});
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: { details: { path: string }[] } }).error.details[0]!.path).toBe('body.payload');

    expect((await stack.api('/api/v1/automations/nope/test-event', { method: 'POST', json: { payload: {} } })).status).toBe(404);
  });

  it('needs runs:write', async () => {
    const created = await stack.api('/api/v1/api-keys', { method: 'POST', json: { name: 'reader', scopes: ['runs:read', 'automations:read'] } });
    const { key } = (await created.json()) as { key: string };
    const res = await stack.api(`/api/v1/automations/${hookId}/test-event`, { method: 'POST', json: { payload: {} }, headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(403);
    const err = (await res.json()) as { error: { code: string; message: string } };
    expect(err.error.code).toBe('FORBIDDEN');
    expect(err.error.message).toContain('runs:write');
  });
});
