/**
 * The built-in polling triggers besides `feed`, polled as the activity polls them
 * (runPoll): `postgres.new_rows` on the real PostgreSQL (from now, then rows above the
 * cursor in order) and `http.new_items` on a local JSON endpoint (JSONata paths to the
 * items and their ids; an item without an id fails the poll with the reason).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import pg from 'pg';
import { BUILTIN_CONNECTORS } from '../../connectors/index.ts';
import type { PreparedConnection } from '../../src/connector-host/run-action.ts';
import { mergePollState, runPoll } from '../../src/connector-host/run-poll.ts';
import { createOutbound } from '../../src/security/outbound.ts';
import { Redactor } from '../../src/security/redact.ts';
import { httpFake, type HttpFake } from '../../src/testing/index.ts';
import type { PollState } from '../../workflows/contracts.ts';
import type { PollTrigger } from '../../workflows/automation/types.ts';

const outbound = createOutbound(['127.0.0.1']);
const opts = () => ({ fetch: outbound.fetch, resolveHost: outbound.resolveHost, logger: console, signal: AbortSignal.timeout(10_000), now: new Date() });
const connector = (key: string) => BUILTIN_CONNECTORS.find((c) => c.key === key)!;
const prepared = (key: string, config: Record<string, unknown>, secrets: Record<string, unknown> = {}): PreparedConnection =>
  ({ connection: { id: `conn_${key}` }, connector: connector(key), config: connector(key).config.parse(config), secrets, redactor: new Redactor() }) as unknown as PreparedConnection;

/** Polls like the engine: runPoll, then the commit, returning the ids that would start runs. */
async function pollAndCommit(conn: PreparedConnection, trigger: PollTrigger, state: { current: PollState | undefined }): Promise<string[]> {
  const outcome = await runPoll(conn, trigger, state.current, opts());
  state.current = mergePollState(state.current, outcome.commit);
  return outcome.items.map((i) => i.id);
}

describe('postgres.new_rows', () => {
  const table = `poll_rows_${process.pid}`;
  let admin: pg.Client;
  const url = new URL(inject('postgresUrl'));
  const config = { host: url.hostname, port: Number(url.port || 5432), database: url.pathname.slice(1), user: decodeURIComponent(url.username) };
  beforeAll(async () => {
    admin = new pg.Client({ connectionString: inject('postgresUrl') });
    await admin.connect();
    await admin.query(`create table ${table} (id serial primary key, title text not null)`);
    await admin.query(`insert into ${table} (title) values ('before-1'), ('before-2')`);
  });
  afterAll(async () => {
    await admin?.query(`drop table if exists ${table}`);
    await admin?.end();
  });

  it('starts from now, then answers rows above the cursor in order, limit per poll', async () => {
    const conn = prepared('postgres', config);
    const trigger: PollTrigger = { type: 'poll', connection: 'conn_postgres', trigger: 'new_rows', config: { table, column: 'id', limit: 2 } };
    const state = { current: undefined as PollState | undefined };
    expect(await pollAndCommit(conn, trigger, state)).toEqual([]);
    expect(state.current?.cursor).toBe('2');
    await admin.query(`insert into ${table} (title) values ('a'), ('b'), ('c')`);
    expect(await pollAndCommit(conn, trigger, state)).toEqual(['3', '4']);
    expect(await pollAndCommit(conn, trigger, state)).toEqual(['5']);
    expect(await pollAndCommit(conn, trigger, state)).toEqual([]);
    await expect(runPoll(conn, { ...trigger, config: { table: 'x; drop table y', column: 'id' } }, state.current, opts())).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });
});

describe('http.new_items', () => {
  let fake: HttpFake;
  let results: Record<string, unknown>[] = [{ key: 'a', at: '2026-12-06T00:00:00Z' }];
  beforeAll(async () => {
    fake = await httpFake((req) => (req.headers.authorization === 'Bearer http-poll-token-1' ? { body: { data: { results } } } : { status: 401, body: {} }));
  });
  afterAll(async () => fake?.close());

  it('picks items and ids with JSONata; an item without an id fails the poll with the reason', async () => {
    const conn = prepared('http', { baseUrl: fake.url }, { bearerToken: 'http-poll-token-1' });
    const trigger: PollTrigger = { type: 'poll', connection: 'conn_http', trigger: 'new_items', config: { url: '/list', items: 'data.results', id: 'key' } };
    const state = { current: undefined as PollState | undefined };
    expect(await pollAndCommit(conn, trigger, state)).toEqual([]);
    results = [...results, { key: 'b' }, { key: 'c' }];
    expect(await pollAndCommit(conn, trigger, state)).toEqual(['b', 'c']);
    results = [...results, { nokey: true }];
    await expect(runPoll(conn, trigger, state.current, opts())).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('answered a poll that is not') });
  });
});
