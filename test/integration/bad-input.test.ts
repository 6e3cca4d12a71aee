import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signGithubPayload } from '../../connectors/sdk/index.ts';
import { DIALECTS } from '../support/db.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { createTestConnection, deliver } from '../support/webhooks.ts';

const GH_SECRET = 'bad-input-secret-0123456789';

describe.each(DIALECTS)('bad input answers a clear 4xx on %s', (dialect) => {
  let stack: TestStack;
  let github: string;
  beforeAll(async () => {
    stack = await startTestStack({ dialect });
    github = await createTestConnection(stack.services, 'github', { webhookSecret: GH_SECRET });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('answers 400 INVALID_PATH to bad percent-encoding in a path', async () => {
    for (const path of ['/webhooks/github/%E0%A4%A', '/api/v1/connections/%E0%A4%A', '/api/v1/automations/%E0%A4%A/runs', '/api/v1/runs/%ZZ']) {
      const res = path.startsWith('/webhooks') ? await fetch(stack.baseUrl + path, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } }) : await stack.api(path);
      expect(res.status, path).toBe(400);
      expect(await res.json(), path).toMatchObject({ error: { code: 'INVALID_PATH' } });
    }
  });

  it('answers 400 or 404, never 500, to a NUL in an id', async () => {
    const paths: [string, string, unknown?][] = [
      ['GET', '/api/v1/connections/conn%00x'],
      ['PATCH', '/api/v1/connections/conn%00x', { name: 'x' }],
      ['DELETE', '/api/v1/connections/conn%00x'],
      ['GET', '/api/v1/automations/aut%00x'],
      ['GET', '/api/v1/runs/run%00x'],
      ['GET', '/api/v1/rag-indexes/rag%00x'],
      ['GET', '/api/v1/mcp-servers/mcp%00x'],
      ['DELETE', '/api/v1/api-keys/key%00x'],
      ['GET', '/api/v1/runs?automationId=aut%00x'],
      ['POST', `/webhooks/github/conn%00x`, {}],
    ];
    for (const [method, path, json] of paths) {
      const res = await stack.api(path, { method, ...(json !== undefined ? { json } : {}) });
      expect([400, 404], `${method} ${path}`).toContain(res.status);
      expect(((await res.json()) as { error: { code: string } }).error.code).toMatch(/^[A-Z_]+$/);
    }
    // A NUL in a JSON body (a name, an id in a config) is refused before anything reaches the database.
    for (const json of [{ connector: 'http', name: 'nul\u0000name', config: {} }, { connector: 'http', name: 'ok', config: { 'k\u0000': 1 } }]) {
      const res = await stack.api('/api/v1/connections', { method: 'POST', json });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: 'INVALID_INPUT' } });
    }
  });

  it('records a verified delivery nested 5,000 levels deep instead of refusing it', async () => {
    const body = `{"action":"opened","deep":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    const res = await deliver(stack.baseUrl, `/webhooks/github/${github}`, body, {
      'content-type': 'application/json',
      'x-github-event': 'issues',
      'x-github-delivery': randomUUID(),
      'x-hub-signature-256': signGithubPayload(body, GH_SECRET),
    });
    expect(res.status, res.text).toBe(202);
    const handle = stack.services.temporal.client.workflow.getHandle((res.json as { workflowId: string }).workflowId);
    const described = await handle.describe();
    expect(described.searchAttributes['SwitchboardEventType']).toEqual(['github.unparsed']);
    await handle.result(); // the event workflow runs to its end on the recorded raw body
  });
});
