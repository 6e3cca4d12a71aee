import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey, Connection, McpServer } from '../../src/db/entities/index.ts';
import { migrate } from '../../src/db/orm.ts';
import { createApiKey } from '../../src/security/api-key-store.ts';
import { createTestOrm, DIALECTS } from '../support/db.ts';

describe.each(DIALECTS)('storage on %s', (dialect) => {
  let ctx: Awaited<ReturnType<typeof createTestOrm>>;
  beforeAll(async () => {
    ctx = await createTestOrm(dialect);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('has applied every migration, and a second run applies none', async () => {
    const tables = (
      dialect === 'sqlite'
        ? await ctx.db.query(`select name from sqlite_master where type = 'table'`)
        : await ctx.db.query(`select table_name as name from information_schema.tables where table_schema = 'public'`)
    ).map((r) => r['name']);
    expect(tables).toEqual(expect.arrayContaining(['api_keys', 'connections', 'mcp_servers']));
    expect(await migrate(ctx.orm)).toEqual([]);
  });

  it('stores and reads back connections with JSON config', async () => {
    const em = ctx.orm.em.fork();
    em.create(Connection, {
      id: 'conn_1',
      connector: 'http',
      name: 'Example',
      config: { baseUrl: 'https://example.com', nested: { n: 1 } },
      secrets: null,
      secretFields: [],
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    await em.flush();
    const again = await ctx.orm.em.fork().findOneOrFail(Connection, { id: 'conn_1' });
    expect(again.config).toEqual({ baseUrl: 'https://example.com', nested: { n: 1 } });
    expect(again.connector).toBe('http');
  });

  it('enforces unique MCP server names', async () => {
    const em = ctx.orm.em.fork();
    const base = { url: 'https://mcp.example', transport: 'streamable-http', command: null, args: null, secrets: null, secretFields: [], enabled: true, tools: [], lastSyncedAt: null, lastError: null, createdAt: new Date(), updatedAt: new Date() };
    em.create(McpServer, { ...base, id: 'mcp_1', name: 'tools' });
    await em.flush();
    const em2 = ctx.orm.em.fork();
    em2.create(McpServer, { ...base, id: 'mcp_2', name: 'tools' });
    await expect(em2.flush()).rejects.toThrow();
  });

  it('stores API keys hashed', async () => {
    const { key, view } = await createApiKey(ctx.orm.em.fork(), { name: 'ci', principal: 'ci', scopes: ['runs:read'] });
    const row = await ctx.orm.em.fork().findOneOrFail(ApiKey, { id: view.id });
    expect(row.hash).not.toContain(key);
    const dump = JSON.stringify(await ctx.db.query('select * from api_keys'));
    expect(dump).not.toContain(key);
  });
});
