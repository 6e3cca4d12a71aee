import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { signGithubPayload } from '../../connectors/sdk/index.ts';
import { createApp } from '../../src/app.ts';
import { withTemporal, type Services } from '../../src/services.ts';
import { createTemporalClient } from '../../src/temporal/client.ts';
import { startDevServer, type DevServer } from '../../src/temporal/dev-server.ts';
import { freePort } from '../support/ports.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { createTestConnection, deliver } from '../support/webhooks.ts';

/**
 * A second API instance whose Temporal address has no server behind it (yet): the
 * delivery must get 503 + Retry-After quickly; once a server listens there, the same
 * delivery is accepted.
 */
describe('webhooks while Temporal is unreachable', () => {
  let stack: TestStack;
  let services: Services;
  let server: Server;
  let baseUrl: string;
  let port: number;
  let temporal: DevServer | undefined;

  beforeAll(async () => {
    stack = await startTestStack({ worker: false });
    port = await freePort();
    services = withTemporal(stack.services, createTemporalClient({ namespace: 'default', taskQueue: stack.config.temporal.taskQueue, address: `127.0.0.1:${port}` }));
    const { app } = createApp(services);
    server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    await services?.temporal.connection.close();
    await temporal?.stop();
    await stack?.close();
  });

  it('answers 503 with Retry-After within 5 s, then 202 for the same delivery once Temporal is back', async () => {
    const id = await createTestConnection(stack.services, 'github', { webhookSecret: 's' });
    const body = '{"action":"opened","issue":{"number":1}}';
    const delivery = randomUUID();
    const headers = { 'content-type': 'application/json', 'x-github-event': 'issues', 'x-github-delivery': delivery, 'x-hub-signature-256': signGithubPayload(body, 's') };

    for (let i = 0; i < 2; i++) {
      const started = Date.now();
      const down = await deliver(baseUrl, `/webhooks/github/${id}`, body, headers);
      const elapsed = Date.now() - started;
      expect(down.status).toBe(503);
      expect(down.headers.get('retry-after')).toBe('5');
      expect(down.json).toMatchObject({ error: { code: 'TEMPORAL_UNAVAILABLE' } });
      expect(elapsed).toBeLessThan(5_000);
    }

    temporal = await startDevServer({
      dataDir: join(tmpdir(), `sb-unavailable-${port}`),
      dbFile: null,
      ui: false,
      port,
      namespace: 'default',
      cliPath: inject('temporalCliPath'),
      searchPath: undefined,
    });
    // A sender retries after Retry-After; the client reconnects on its own.
    let back = await deliver(baseUrl, `/webhooks/github/${id}`, body, headers);
    for (let i = 0; i < 20 && back.status === 503; i++) {
      await new Promise((r) => setTimeout(r, 500));
      back = await deliver(baseUrl, `/webhooks/github/${id}`, body, headers);
    }
    expect(back.status).toBe(202);
    expect(back.json).toMatchObject({ eventId: delivery, workflowId: `wh:github:${id}:${delivery}` });
    const again = await deliver(baseUrl, `/webhooks/github/${id}`, body, headers);
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ duplicate: true, runId: back.json['runId'] });
  });
});
