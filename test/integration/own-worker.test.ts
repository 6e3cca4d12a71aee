/**
 * Acceptance: a team's own worker — plain @temporalio/worker code on its own task queue —
 * registers Switchboard's activities with `switchboardActivities` (switchboard/worker) and
 * runs a workflow that calls `action(...)` against a Switchboard connection (real dev
 * server, the stack's database, a Slack fake). The secret stays out of the history.
 */
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withConfig } from '../../src/config.ts';
import { nanoid } from '../../src/security/random.ts';
import { switchboardActivities, switchboardWorkerOptions, type SwitchboardActivityKit } from '../../src/worker-api/index.ts';
import { fakeServer, sendJson, type FakeServer } from '../support/listeners.ts';
import { startTestStack, TEST_MASTER_KEY, type TestStack } from '../support/stack.ts';
import { createTestConnection } from '../support/webhooks.ts';

const SECRET = 'xoxb-own-worker-secret';

describe("switchboardActivities in a team's own worker", () => {
  let stack: TestStack;
  let slackApi: FakeServer;
  let kit: SwitchboardActivityKit;
  let connection: NativeConnection;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = `team-${nanoid(6)}`;

  beforeAll(async () => {
    slackApi = await fakeServer((_req, res) => sendJson(res, 200, { ok: true, channel: 'C9', ts: '9.9' }));
    stack = await startTestStack({ env: { SWITCHBOARD_SSRF_ALLOW: '127.0.0.1' } });
    kit = await switchboardActivities(withConfig(stack.config, { masterKey: TEST_MASTER_KEY }));
    connection = await NativeConnection.connect({ address: stack.config.temporal.address });
    worker = await Worker.create({
      connection,
      taskQueue,
      workflowsPath: new URL('../workflows/fixtures/code-first.workflow.ts', import.meta.url).pathname,
      activities: { teamOwnActivity: async () => 'ours', ...kit.activities },
      ...switchboardWorkerOptions(kit),
    });
    running = worker.run();
  });
  afterAll(async () => {
    worker?.shutdown();
    await running?.catch(() => undefined);
    await connection?.close();
    await kit?.close();
    await stack?.close();
    await slackApi?.close();
  });

  it('runs action() against a Switchboard connection, secrets resolved in the activity', async () => {
    const id = await createTestConnection(stack.services, 'slack', { botToken: SECRET }, { baseUrl: slackApi.url });
    const handle = await stack.services.temporal.client.workflow.start('teamNotify', { taskQueue, workflowId: `team-${nanoid(8)}`, args: [{ connection: id, text: 'from our own worker' }] });
    const out = await handle.result();
    expect(out).toEqual({ channel: 'C9', ts: '9.9' });
    expect(JSON.parse(slackApi.requests[0]!.body)).toMatchObject({ channel: '#team', text: 'from our own worker' });
    expect(slackApi.requests[0]!.headers['authorization']).toBe(`Bearer ${SECRET}`);
    expect(JSON.stringify(await handle.fetchHistory())).not.toContain(SECRET);
  });
});
