import { afterAll, describe, expect, it } from 'vitest';
import { DIALECTS, type TestDatabase } from '../support/db.ts';
import { startTestStack, TEST_MASTER_KEY, type TestStack } from '../support/stack.ts';

const OTHER_KEY = Buffer.alloc(32, 9).toString('base64');

describe.each(DIALECTS)('connection writes under a wrong master key on %s', (dialect) => {
  let stack: TestStack | undefined;
  let db: TestDatabase;
  afterAll(async () => {
    await stack?.close();
    await db?.drop();
  });
  const call = async (path: string, init: { method?: string; json?: unknown } = {}) => {
    const res = await stack!.api(path, init);
    return { status: res.status, body: (await res.json()) as { id: string; name: string; error: { code: string; message: string } } };
  };
  const rows = async () => [...(await db.query('select id, name, secrets from connections order by id')), ...(await db.query('select id, secrets from mcp_servers order by id'))].map((r) => JSON.stringify(r));

  it('answers 503 naming the key instead of sealing new or patched secrets under it', async () => {
    stack = await startTestStack({ dialect, keepDatabase: true, worker: false });
    db = stack.db;
    const created = await call('/api/v1/connections', { method: 'POST', json: { connector: 'http', name: 'good', secrets: { bearerToken: 'tok-under-the-right-key' } } });
    expect(created.status).toBe(201);
    const id = created.body.id;
    await stack.close();

    // Restarted with another key: nothing may be sealed under it.
    stack = await startTestStack({ dialect, database: db, masterKey: OTHER_KEY, worker: false });
    const before = await rows();
    for (const [path, init] of [
      ['/api/v1/connections', { method: 'POST', json: { connector: 'http', name: 'new', secrets: { bearerToken: 'tok-would-be-sealed-wrong' } } }],
      ['/api/v1/connections', { method: 'POST', json: { connector: 'http', name: 'no-secrets' } }],
      [`/api/v1/connections/${id}`, { method: 'PATCH', json: { name: 'renamed' } }],
      [`/api/v1/connections/${id}`, { method: 'PATCH', json: { secrets: { bearerToken: 'tok-overwrite' } } }],
      ['/api/v1/mcp-servers', { method: 'POST', json: { name: 'mcp', transport: 'streamable-http', url: 'https://mcp.example.com/mcp', bearer: 'mcp-bearer-sealed-wrong' } }],
    ] as const) {
      const res = await call(path, init);
      expect(res.status, `${init.method} ${path}`).toBe(503);
      expect(res.body.error.message).toMatch(/SWITCHBOARD_MASTER_KEY/);
    }
    expect(await rows()).toEqual(before);
    await stack.close();

    // With the right key listed (here as the old key of a rotation) writes work again.
    stack = await startTestStack({ dialect, database: db, masterKey: `${OTHER_KEY},${TEST_MASTER_KEY}`, worker: false });
    expect((await call('/api/v1/connections', { method: 'POST', json: { connector: 'http', name: 'after-fix', secrets: { bearerToken: 'tok-new' } } })).status).toBe(201);
    expect((await call(`/api/v1/connections/${id}`, { method: 'PATCH', json: { name: 'renamed' } })).body.name).toBe('renamed');
  });
});
