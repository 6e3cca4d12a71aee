/**
 * The API commands of the `switchboard` CLI as a user runs them: the real CLI process
 * (`node bin/switchboard.mjs …`) against a started stack. Runs, approvals, connections,
 * events, a re-drive from the CLI after a provider outage ends, and the exit codes of an
 * unreachable server, a bad key, a missing scope and an unknown run.
 */
import { execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signGithubPayload } from '../../connectors/sdk/index.ts';
import { fakeServer, sendJson, type FakeServer } from '../support/listeners.ts';
import { freePort } from '../support/ports.ts';
import { createAutomation, startRun, waitFor, waitForRun } from '../support/runs.ts';
import { startTestStack, TEST_API_KEY, type TestStack } from '../support/stack.ts';
import { createTestConnection, deliver } from '../support/webhooks.ts';

const exec = promisify(execFile);
const CLI = fileURLToPath(new URL('../../bin/switchboard.mjs', import.meta.url));
const SECRET = 'cli-webhook-secret';

interface Result {
  code: number;
  out: string;
  err: string;
}

describe('switchboard CLI over the HTTP API', () => {
  let stack: TestStack;
  let fake: FakeServer;
  let down = true;
  let http = '';
  let logging = '';
  let github = '';
  let flaky = '';

  const env = (extra: Record<string, string> = {}) => ({ PATH: process.env['PATH'] ?? '', LOG_LEVEL: 'silent', SWITCHBOARD_URL: stack.baseUrl, SWITCHBOARD_API_KEY: TEST_API_KEY, ...extra });
  const cli = (args: string[], extra: Record<string, string> = {}): Promise<Result> =>
    exec(process.execPath, [CLI, ...args], { env: env(extra) }).then(
      (r) => ({ code: 0, out: r.stdout, err: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout, err: e.stderr }),
    );
  const json = async <T>(args: string[]): Promise<T> => {
    const r = await cli([...args, '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    return JSON.parse(r.out) as T;
  };
  const failedRun = async (n: number): Promise<string> => {
    down = true;
    const { body } = await startRun(stack, flaky, { n });
    await waitForRun(stack, body.workflowId, (r) => r.status === 'failed', 'the run to fail on the outage', 45_000);
    return body.workflowId;
  };

  beforeAll(async () => {
    fake = await fakeServer((req, res) => (down ? sendJson(res, 500, { error: 'outage' }) : sendJson(res, 200, { ok: true, path: req.url })));
    stack = await startTestStack({ env: { SWITCHBOARD_SSRF_ALLOW: '127.0.0.1' } });
    http = await createTestConnection(stack.services, 'http', {}, {});
    logging = await createTestConnection(stack.services, 'logging', {});
    github = await createTestConnection(stack.services, 'github', { webhookSecret: SECRET });
    flaky = (
      await createAutomation(stack, {
        name: 'flaky provider',
        trigger: { type: 'manual' },
        steps: [{ id: 'send', type: 'action', connection: http, action: 'request', input: { method: 'POST', url: `${fake.url}/v1`, body: { n: '{{ input.n }}' } }, retry: { initialInterval: '100ms', maxAttempts: 2 } }],
      })
    ).id;
  });
  afterAll(async () => {
    await stack?.close();
    await fake?.close();
  });

  it('fails with one line and a distinct exit code: unreachable (3), bad key and missing scope (4), unknown run (5), bad usage (2)', { timeout: 120_000 }, async () => {
    const port = await freePort();
    const unreachable = await cli(['runs', 'list'], { SWITCHBOARD_URL: `http://127.0.0.1:${port}` });
    expect(unreachable).toMatchObject({ code: 3, out: '' });
    expect(unreachable.err).toBe(`switchboard: no Switchboard API answers at http://127.0.0.1:${port} (ECONNREFUSED): start it (\`switchboard dev\`) or point SWITCHBOARD_URL at it\n`);

    const badKey = await cli(['runs', 'list'], { SWITCHBOARD_API_KEY: 'not-a-key-0123456789' });
    expect(badKey.code).toBe(4);
    expect(badKey.err).toMatch(/^switchboard: 401 UNAUTHENTICATED: .*set SWITCHBOARD_API_KEY to a valid key.*\n$/);

    const res = await stack.api('/api/v1/api-keys', { method: 'POST', json: { name: 'reader', principal: 'reader', scopes: ['runs:read'] } });
    const { key } = (await res.json()) as { key: string };
    expect((await cli(['runs', 'list'], { SWITCHBOARD_API_KEY: key })).code).toBe(0);
    const scope = await cli(['connections', 'list'], { SWITCHBOARD_API_KEY: key });
    expect(scope).toMatchObject({ code: 4, out: '', err: 'switchboard: 403 FORBIDDEN: This API key lacks the "connections:read" scope\n' });

    const missing = await cli(['runs', 'get', `run:${flaky}:nope`]);
    expect(missing.code).toBe(5);
    expect(missing.err).toMatch(/^switchboard: 404 NOT_FOUND: .*\n$/);
    expect(missing.err.split('\n')).toHaveLength(2);

    const usage = await cli(['runs', 'list', '--status', 'sleeping']);
    expect(usage.code).toBe(2);
    expect(usage.err).toMatch(/argument 'sleeping' is invalid/);
  });

  it('lists, shows and tails runs; lists and decides approvals; tail follows the wait and the decision', { timeout: 180_000 }, async () => {
    const { id } = await createAutomation(stack, {
      name: 'needs review',
      trigger: { type: 'manual' },
      steps: [
        { id: 'review', type: 'approval', approvers: ['bootstrap'], timeout: '1d', onTimeout: 'reject', message: 'ship it?' },
        { id: 'log', type: 'action', connection: logging, action: 'log', input: { message: 'shipped' } },
      ],
    });
    const { body } = await startRun(stack, id, { n: 1 });
    const wf = body.workflowId;
    await waitForRun(stack, wf, (r) => r.status === 'waiting_approval', 'the run to wait for approval');

    // Follow the run from another process while it waits.
    const tail = spawn(process.execPath, [CLI, 'runs', 'tail', wf, '--interval', '200'], { env: env() });
    let tailed = '';
    tail.stdout.on('data', (d: Buffer) => (tailed += d.toString()));
    const tailExit = new Promise<number | null>((r) => tail.on('close', r));

    const pending = await json<{ workflowId: string; stepId: string; message: string }[]>(['approvals', 'list', '--automation', id]);
    expect(pending).toEqual([expect.objectContaining({ workflowId: wf, stepId: 'review', message: 'ship it?' })]);
    const table = await cli(['approvals', 'list', '--mine']);
    expect(table.out).toMatch(/^WORKFLOW ID\s+STEP\s+APPROVERS\s+DECIDED\s+EXPIRES\s+MESSAGE$/m);
    expect(table.out).toMatch(new RegExp(`^${wf}\\s+review\\s+bootstrap\\s+0/1\\s+\\S+\\s+ship it\\?$`, 'm'));
    await waitFor(async () => (tailed.includes('approval review waiting') ? true : undefined), 'tail to show the wait');

    const decided = await cli(['approvals', 'decide', wf, 'review', 'approve', '--comment', 'go']);
    expect(decided).toMatchObject({ code: 0, out: `approved review of ${wf} as bootstrap\n` });
    expect(await tailExit).toBe(0);
    expect(tailed).toMatch(/step review \[approval\] completed/);
    expect(tailed).toMatch(/step log \[action\] completed/);
    expect(tailed.trimEnd().split('\n').at(-1)).toMatch(/run completed$/);
    // Deciding again is refused (409), not a crash.
    const again = await cli(['approvals', 'decide', wf, 'review', 'reject']);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/^switchboard: 409 /);

    const run = await json<{ status: string; steps: { id: string; status: string }[] }>(['runs', 'get', wf]);
    expect(run).toMatchObject({ status: 'completed', steps: [{ id: 'review', status: 'completed' }, { id: 'log', status: 'completed' }] });
    const shown = await cli(['runs', 'get', wf]);
    expect(shown.out).toMatch(/^status\s+completed$/m);
    expect(shown.out).toMatch(/^log\s+action\s+completed\s+1\s+-$/m);
    const listed = await waitFor(async () => {
      const items = await json<{ workflowId: string; status: string }[]>(['runs', 'list', '--automation', id, '--status', 'completed']);
      return items.length ? items : undefined;
    }, 'the run in the completed list');
    expect(listed.map((r) => r.workflowId)).toEqual([wf]);
  });

  it('lists and tests connections without showing secrets', { timeout: 90_000 }, async () => {
    const items = await json<{ id: string; connector: string; secretFields: string[] }[]>(['connections', 'list']);
    expect(items.map((c) => c.id)).toEqual(expect.arrayContaining([http, logging, github]));
    const table = await cli(['connections', 'list', '--connector', 'github']);
    expect(table.out).toMatch(new RegExp(`^${github}\\s+github\\s+github test\\s+webhookSecret\\s`, 'm'));
    expect(table.out).not.toContain(SECRET);
    expect(await cli(['connections', 'test', logging])).toMatchObject({ code: 0, out: "not tested: logging writes to Switchboard's own log; no outbound call to test\n" });
    expect((await cli(['connections', 'test', 'conn_nope'])).code).toBe(5);
  });

  it("lists recorded events and redelivers one to today's subscriber", { timeout: 90_000 }, async () => {
    const delivery = randomUUID();
    const payload = JSON.stringify({ action: 'opened', issue: { number: 9 } });
    const posted = await deliver(stack.baseUrl, `/webhooks/github/${github}`, payload, {
      'content-type': 'application/json',
      'x-github-event': 'issues',
      'x-github-delivery': delivery,
      'x-hub-signature-256': signGithubPayload(payload, SECRET),
    });
    expect(posted.status).toBe(202);
    const eventId = `wh:github:${github}:${delivery}`;
    const events = await waitFor(async () => {
      const items = await json<{ id: string; type: string; noSubscriber: boolean }[]>(['events', 'list', '--connection', github]);
      return items.length ? items : undefined;
    }, 'the delivery in the events list');
    expect(events).toEqual([expect.objectContaining({ id: eventId, type: 'github.issues.opened', noSubscriber: true })]);
    const table = await cli(['events', 'list', '--connection', github, '--no-subscriber']);
    expect(table.out).toMatch(new RegExp(`^${eventId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s+github\\.issues\\.opened\\s+\\S+\\s+no subscriber$`, 'm'));

    const { id } = await createAutomation(stack, {
      name: 'log issues',
      trigger: { type: 'webhook', connection: github, events: ['github.issues.opened'] },
      steps: [{ id: 'log', type: 'action', connection: logging, action: 'log', input: { message: 'issue' } }],
    });
    const redelivered = await cli(['events', 'redeliver', eventId]);
    expect(redelivered.code).toBe(0);
    expect(redelivered.out).toMatch(new RegExp(`^redelivered .*: 1 run\\(s\\) started\\n`));
    const workflowId = new RegExp(`^(run:${id}:\\S+)\\s+${id}\\s+1$`, 'm').exec(redelivered.out)?.[1];
    expect(workflowId).toBeDefined();
    await waitForRun(stack, workflowId!, (r) => r.status === 'completed', 'the redelivered run to complete');
  });

  it('lists RAG indexes and ingests files, waiting for the ingestion', { timeout: 90_000 }, async () => {
    const res = await stack.api('/api/v1/rag/indexes', { method: 'POST', json: { name: 'cli docs' } });
    const index = ((await res.json()) as { id: string }).id;
    const dir = await mkdtemp(join(tmpdir(), 'sb-rag-'));
    try {
      await writeFile(join(dir, 'alpha.md'), 'Alpha is the first letter.');
      await writeFile(join(dir, 'beta.md'), 'Beta is the second letter.');
      const ingested = await cli(['rag', 'ingest', index, join(dir, 'alpha.md'), join(dir, 'beta.md'), '--wait', '--interval', '200']);
      expect(ingested).toMatchObject({ code: 0, err: '' });
      // Not a terminal: no progress bar, only the final line.
      expect(ingested.out).toMatch(new RegExp(`^ingestion ingest:${index}:\\S+ \\w+: 2 indexed, \\d+ chunks, 0 failed\\n$`));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const indexes = await json<{ id: string; documents?: number }[]>(['rag', 'indexes', 'list']);
    expect(indexes.map((i) => i.id)).toContain(index);
    expect((await cli(['rag', 'indexes', 'list'])).out).toMatch(new RegExp(`^${index}\\s+cli docs\\s+none \\(full text\\)\\s`, 'm'));
    expect((await cli(['rag', 'ingest', 'rag_nope', join(tmpdir(), 'missing.md')])).code).toBe(1);
  });

  it('re-drives a run failed by a provider outage once the fake recovers, and in bulk, waiting for completion', { timeout: 180_000 }, async () => {
    const source = await failedRun(5);
    const dead = await waitFor(async () => {
      const items = await json<{ workflowId: string; status: string }[]>(['runs', 'list', '--status', 'failed', '--automation', flaky]);
      return items.some((r) => r.workflowId === source) ? items : undefined;
    }, 'the failed run in the dead-letter view');
    expect(dead.every((r) => r.status === 'failed')).toBe(true);
    const why = await cli(['runs', 'get', source]);
    expect(why.out).toMatch(/^send\s+action\s+failed\s+2\s+UPSTREAM_5XX: /m);
    // While the provider is still down the re-drive fails too: --wait exits 1.
    const early = await cli(['runs', 'redrive', source, '--force', '--wait', '--interval', '200']);
    expect(early.code).toBe(1);
    expect(early.out).toMatch(/\sfailed\s+UPSTREAM_5XX/);

    down = false;
    const redriven = await cli(['runs', 'redrive', source, '--force', '--wait', '--interval', '200', '--json']);
    expect(redriven.code).toBe(0);
    const [done] = JSON.parse(redriven.out) as { workflowId: string; status: string; redriveOf: string }[];
    expect(done).toMatchObject({ status: 'completed', redriveOf: source });
    expect(fake.requests.at(-1)).toMatchObject({ url: '/v1', body: JSON.stringify({ n: 5 }) });

    // Bulk: every failed run since a moment, one re-drive each; repeating starts nothing twice.
    const since = new Date().toISOString();
    const a = await failedRun(11);
    const b = await failedRun(12);
    await waitFor(async () => {
      const items = await json<{ workflowId: string }[]>(['runs', 'list', '--status', 'failed', '--automation', flaky]);
      return [a, b].every((w) => items.some((r) => r.workflowId === w)) ? true : undefined;
    }, 'both failed runs in visibility');
    down = false;
    const bulk = await cli(['runs', 'redrive', '--failed', '--automation', flaky, '--since', since, '--limit', '10', '--wait', '--interval', '200']);
    expect(bulk.code).toBe(0);
    // Each re-drive starts at the step that failed (FROM): the steps before it are not run again.
    expect(bulk.out).toMatch(/^RE-DRIVE\s+OF\s+V\s+FROM\s+NEW$/m);
    expect(bulk.out).toMatch(new RegExp(`\\s${a}\\s+1\\s+send\\s+yes$`, 'm'));
    expect(bulk.out).toMatch(new RegExp(`\\s${b}\\s+1\\s+send\\s+yes$`, 'm'));
    expect(bulk.out.match(/\scompleted\s+-$/gm)).toHaveLength(2);
    const repeat = await json<{ redriveOf: string; duplicate: boolean }[]>(['runs', 'redrive', '--failed', '--automation', flaky, '--since', since, '--limit', '10']);
    expect(repeat.map((r) => [r.redriveOf, r.duplicate]).sort()).toEqual([[a, true], [b, true]].sort());
    expect((await cli(['runs', 'redrive'])).code).toBe(2);
  });
});
