/**
 * The index of waiting runs on SQLite and PostgreSQL: an event finds exactly the waits
 * of its type pattern, key and connection that have not expired, through the
 * (event_pattern, key) index — the query plan shows an index search, not a table scan —
 * and a registration is idempotent (local-activity retries).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearEventWait, findEventWaiters, registerEventWait, type EventWaitRegistration } from '../../src/automations/event-waits.ts';
import { EventWait } from '../../src/db/entities/index.ts';
import type { Orm } from '../../src/db/orm.ts';
import type { NormalizedEvent } from '../../workflows/contracts.ts';
import { createTestOrm, DIALECTS } from '../support/db.ts';

const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();
const reg = (id: string, fields: Partial<EventWaitRegistration> = {}): EventWaitRegistration => ({
  id: `run:a:${id}/w#1`,
  workflowId: `run:a:${id}`,
  eventPattern: 'github.pull_request.closed',
  keyExpr: 'payload.pull_request.number',
  key: '7',
  connectionId: null,
  expiresAt: inAnHour(),
  ...fields,
});
const event = (type: string, number: number, connectionId = 'conn_gh'): NormalizedEvent => ({
  type,
  id: `d-${type}-${number}`,
  source: { connector: 'github', connectionId },
  payload: { pull_request: { number } },
  receivedAt: new Date().toISOString(),
});

describe.each(DIALECTS)('event wait index on %s', (dialect) => {
  let orm: Orm;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ orm, close } = await createTestOrm(dialect));
    await registerEventWait(orm, reg('one'));
    await registerEventWait(orm, reg('one')); // a retried registration
    await registerEventWait(orm, reg('two'));
    await registerEventWait(orm, reg('other-key', { key: '8' }));
    await registerEventWait(orm, reg('wildcard', { eventPattern: 'github.pull_request.*' }));
    await registerEventWait(orm, reg('other-conn', { connectionId: 'conn_other' }));
    await registerEventWait(orm, reg('same-conn', { connectionId: 'conn_gh' }));
    await registerEventWait(orm, reg('expired', { expiresAt: new Date(Date.now() - 1000).toISOString() }));
    await registerEventWait(orm, reg('by-title', { keyExpr: 'payload.pull_request.title', key: '7' }));
  });
  afterAll(async () => {
    await close?.();
  });

  const waiters = async (e: NormalizedEvent) => (await findEventWaiters(orm, e)).map((w) => w.workflowId.slice('run:a:'.length)).sort();

  it('finds the unexpired waits of the type pattern, key and connection', async () => {
    expect(await waiters(event('github.pull_request.closed', 7))).toEqual(['one', 'same-conn', 'two', 'wildcard']);
    expect(await waiters(event('github.pull_request.closed', 7, 'conn_other'))).toEqual(['one', 'other-conn', 'two', 'wildcard']);
    expect(await waiters(event('github.pull_request.opened', 7))).toEqual(['wildcard']);
    expect(await waiters(event('github.pull_request.closed', 9))).toEqual([]);
    expect(await waiters(event('stripe.invoice.paid', 7))).toEqual([]);
    expect(await orm.em.fork().count(EventWait, { workflowId: 'run:a:one' })).toBe(1);
  });

  it('forgets a cleared wait', async () => {
    await clearEventWait(orm, reg('two').id);
    expect(await waiters(event('github.pull_request.closed', 7))).toEqual(['one', 'same-conn', 'wildcard']);
  });

  it('looks waits up through the (event_pattern, key) index', async () => {
    const conn = orm.em.getConnection();
    const sql = `select id from event_waits where event_pattern = 'github.pull_request.closed' and key = '7'`;
    if (dialect === 'sqlite') {
      const plan = JSON.stringify(await conn.execute(`explain query plan ${sql}`));
      expect(plan).toMatch(/USING INDEX event_waits_event_pattern_key_index/);
    } else {
      await conn.execute('set enable_seqscan = off');
      const plan = JSON.stringify(await conn.execute(`explain ${sql}`));
      await conn.execute('set enable_seqscan = on');
      expect(plan).toMatch(/event_waits_event_pattern_key_index/);
    }
  });
});
