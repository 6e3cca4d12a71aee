/**
 * The built-in `test_connection` action: every connector answers it with its
 * connection test as `{ ok, message }`, through the actions API and as an automation
 * step (the `runConnectorAction` activity), without a change to the definition schema.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpFake, type HttpFake } from '../../src/testing/index.ts';
import { githubResponder } from '../support/fakes/github-api.ts';
import { createAutomation, startRun, waitForRun } from '../support/runs.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { createTestConnection } from '../support/webhooks.ts';

const TOKEN = 'ghp_test_connection_secret_1';

describe('test_connection built-in action', () => {
  let stack: TestStack;
  let fake: HttpFake;
  let good = '';
  let revoked = '';
  beforeAll(async () => {
    const respond = githubResponder();
    fake = await httpFake((req) => (req.headers.authorization === `Bearer ${TOKEN}` ? respond(req) : { status: 401, body: { message: `Bad credentials ${String(req.headers.authorization)}` } }));
    stack = await startTestStack({ dialect: 'sqlite', env: { SWITCHBOARD_SSRF_ALLOW: '127.0.0.1' } });
    good = await createTestConnection(stack.services, 'github', { token: TOKEN }, { baseUrl: fake.url });
    revoked = await createTestConnection(stack.services, 'github', { token: 'ghp_revoked_secret_token_2' }, { baseUrl: fake.url });
  });
  afterAll(async () => {
    await stack?.close();
    await fake?.close();
  });

  const act = async (id: string, action: string, input: unknown) => {
    const res = await stack.api(`/api/v1/connections/${id}/actions/${action}`, { method: 'POST', json: { input } });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('through the actions API: ok with the test message; a failed check is ok: false (not an error) without the secret; input must be empty', async () => {
    expect(await act(good, 'test_connection', {})).toMatchObject({ status: 200, body: { output: { ok: true, message: 'authenticated as switchbot' } } });
    const failed = await act(revoked, 'test_connection', {});
    expect(failed).toMatchObject({ status: 200, body: { output: { ok: false, message: expect.stringMatching(/^AUTH_FAILED: /) } } });
    expect(JSON.stringify(failed.body)).not.toContain('ghp_revoked_secret_token_2');
    expect(await act(good, 'test_connection', { extra: 1 })).toMatchObject({ status: 400, body: { error: { code: 'INVALID_INPUT' } } });
    expect(await act(good, 'no_such_action', {})).toMatchObject({ status: 400, body: { error: { code: 'INVALID_INPUT' } } });
  });

  it('as an automation step: a later step branches on its ok', async () => {
    const { id } = await createAutomation(stack, {
      name: 'check github first',
      trigger: { type: 'manual' },
      steps: [
        { id: 'check', type: 'action', connection: good, action: 'test_connection', input: {} },
        { id: 'checkRevoked', type: 'action', connection: revoked, action: 'test_connection' },
        { id: 'summary', type: 'transform', output: { good: '{{ steps.check.output.ok }}', revoked: '{{ steps.checkRevoked.output.ok }}' } },
      ],
    });
    const run = await startRun(stack, id, {});
    expect(run.status).toBe(202);
    const done = await waitForRun(stack, run.body.workflowId, (r) => r.status !== 'running', 'the run to finish');
    expect(done.status).toBe('completed');
    expect(done.steps.find((s) => s.id === 'check')!.output).toEqual({ ok: true, message: 'authenticated as switchbot' });
    expect(done.steps.find((s) => s.id === 'checkRevoked')!.output).toMatchObject({ ok: false });
    expect(done.steps.find((s) => s.id === 'summary')!.output).toEqual({ good: true, revoked: false });
  });
});
