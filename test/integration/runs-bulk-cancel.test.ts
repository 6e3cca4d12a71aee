/**
 * `POST /runs/cancel { filter }`: counts the open runs a filter finds, cancels them in a
 * Temporal batch operation and answers the job's progress; runs outside the filter keep
 * running. Real dev server, real HTTP.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAutomation, startRun, waitFor } from '../support/runs.ts';
import { startTestStack, TEST_API_KEY, type TestStack } from '../support/stack.ts';

const exec = promisify(execFile);
const CLI = fileURLToPath(new URL('../../bin/switchboard.mjs', import.meta.url));

interface Progress {
  jobId: string | null;
  state: string;
  count: number;
  done: number;
  failed: number;
}

describe('bulk cancel', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.close();
  });
  const waiting = (name: string) => ({ name, trigger: { type: 'manual' }, steps: [{ id: 'nap', type: 'wait', duration: '1h' }] });
  const statuses = async (automationId: string) =>
    ((await (await stack.api(`/api/v1/runs?automationId=${automationId}`)).json()) as { items: { workflowId: string; status: string }[] }).items.map((r) => r.status);

  it('cancels the runs a filter finds, answers the count and the progress, and leaves the others running', async () => {
    const a = await createAutomation(stack, waiting('to cancel'));
    const b = await createAutomation(stack, waiting('to keep'));
    for (let i = 0; i < 4; i++) expect((await startRun(stack, a.id, {})).status).toBe(202);
    for (let i = 0; i < 2; i++) expect((await startRun(stack, b.id, {})).status).toBe(202);
    await waitFor(async () => (await statuses(a.id)).length === 4 && (await statuses(b.id)).length === 2, 'the runs in visibility');

    const res = await stack.api('/api/v1/runs/cancel', { method: 'POST', json: { filter: { automationId: a.id } } });
    expect(res.status).toBe(202);
    const started = (await res.json()) as Progress;
    expect(started).toMatchObject({ count: 4, state: 'running' });
    expect(started.jobId).toMatch(/^cancel-runs-/);

    const done = await waitFor(async () => {
      const p = (await (await stack.api(`/api/v1/runs/cancel/${started.jobId}`)).json()) as Progress;
      return p.state === 'completed' ? p : undefined;
    }, 'the bulk cancel job', 60_000);
    expect(done).toMatchObject({ count: 4, done: 4, failed: 0 });
    await waitFor(async () => (await statuses(a.id)).every((s) => s === 'cancelled'), 'the cancelled runs', 30_000);
    expect(await statuses(b.id)).toEqual(['running', 'running']);

    // Nothing open matches any more: no job, count 0.
    const again = (await (await stack.api('/api/v1/runs/cancel', { method: 'POST', json: { filter: { automationId: a.id } } })).json()) as Progress;
    expect(again).toMatchObject({ jobId: null, count: 0, state: 'completed' });

    // The CLI: `switchboard runs cancel --filter …` waits for the job and prints its answer.
    const env = { PATH: process.env['PATH'] ?? '', LOG_LEVEL: 'silent', SWITCHBOARD_URL: stack.baseUrl, SWITCHBOARD_API_KEY: TEST_API_KEY };
    const cli = await exec(process.execPath, [CLI, 'runs', 'cancel', '--filter', '--automation', b.id, '--wait', '--interval', '200', '--json'], { env });
    expect(JSON.parse(cli.stdout)).toMatchObject({ count: 2, done: 2, failed: 0, state: 'completed' });
    await waitFor(async () => (await statuses(b.id)).every((s) => s === 'cancelled'), 'the runs cancelled from the CLI', 30_000);
    const usage = await exec(process.execPath, [CLI, 'runs', 'cancel', '--filter'], { env }).catch((e: { code: number; stderr: string }) => e);
    expect(usage).toMatchObject({ code: 2 });
  }, 120_000);

  it('answers 400 with the path for an empty or unknown filter, and 404 for an unknown job', async () => {
    const empty = await stack.api('/api/v1/runs/cancel', { method: 'POST', json: { filter: {} } });
    expect(empty.status).toBe(400);
    expect(JSON.stringify(await empty.json())).toContain('body.filter');
    const unknown = await stack.api('/api/v1/runs/cancel', { method: 'POST', json: { filter: { status: 'completed' } } });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(await unknown.json())).toContain('body.filter.status');
    expect((await stack.api('/api/v1/runs/cancel/cancel-runs-nope')).status).toBe(404);
  });
});
