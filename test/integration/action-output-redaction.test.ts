import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpFake, type HttpFake } from '../../src/testing/index.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

const BEARER = 'bearer-token-echoed-0123456789';
const HEADER_TOKEN = 'config-header-token-9876543210';
const USER = 'robot';
const PASSWORD = 'basic-password-echoed-42';

// A provider that echoes the request's credentials back in a successful answer (httpbin does).
describe('action outputs are scrubbed of the credentials the request sent', () => {
  let stack: TestStack;
  let fake: HttpFake;
  beforeAll(async () => {
    fake = await httpFake((req) => {
      const auth = String(req.headers.authorization ?? '');
      const basic = auth.startsWith('Basic ') ? Buffer.from(auth.slice(6), 'base64').toString('utf8') : undefined;
      return { body: { ok: true, echo: { authorization: auth, basic, [`key-${auth}`]: 1, list: [{ deep: [auth] }] } } };
    });
    stack = await startTestStack({ env: { SWITCHBOARD_SSRF_ALLOW: '127.0.0.1' } });
  });
  afterAll(async () => {
    await stack?.close();
    await fake?.close();
  });

  const create = async (json: unknown): Promise<string> => {
    const res = await stack.api('/api/v1/connections', { method: 'POST', json });
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string }).id;
  };

  it.each([
    ['a bearer token from the secrets', { secrets: { bearerToken: BEARER } }, [BEARER]],
    ['a bearer token in config headers', { config: { defaultHeaders: { authorization: `Bearer ${HEADER_TOKEN}` } } }, [HEADER_TOKEN]],
    ['a Basic user:password pair', { secrets: { basicAuth: { username: USER, password: PASSWORD } } }, [PASSWORD, `${USER}:${PASSWORD}`, Buffer.from(`${USER}:${PASSWORD}`).toString('base64')]],
  ])('%s: not in the API answer nor the workflow history', async (_name, parts, forbidden) => {
    const config = { baseUrl: fake.url, ...((parts as { config?: object }).config ?? {}) };
    const id = await create({ connector: 'http', name: 'echo', config, ...('secrets' in parts ? { secrets: parts.secrets } : {}) });
    const res = await stack.api(`/api/v1/connections/${id}/actions/request`, { method: 'POST', json: { input: { url: '/echo' } } });
    const text = await res.text();
    expect(res.status, text).toBe(200);
    const body = JSON.parse(text) as { output: { status: number; body: { ok: boolean; echo: { authorization: string } } }; workflowId: string };
    expect(body.output.status).toBe(200);
    expect(body.output.body.ok).toBe(true);
    expect(body.output.body.echo.authorization).toContain('[redacted]');
    const history = JSON.stringify(await stack.services.temporal.client.workflow.getHandle(body.workflowId).fetchHistory());
    // Payload data is base64 in the history JSON: decode every payload to search it as text.
    const decoded = [...history.matchAll(/"data":"([A-Za-z0-9+/=]+)"/g)].map((m) => Buffer.from(m[1]!, 'base64').toString('utf8')).join('\n');
    expect(decoded).toContain('[redacted]');
    for (const secret of forbidden) {
      expect(text).not.toContain(secret);
      expect(decoded).not.toContain(secret);
    }
  });
});
