/**
 * `event_records` on SQLite and PostgreSQL: a delivery that only resumed parked runs is
 * recorded once — a second record of its id (a redelivery, or two deliveries at once)
 * finds the first with the runs it resumed — the events API's filters select records by
 * connection, type, time and unparsed, newest first, and a record older than the dedupe
 * window is purged by a later one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventRecords, recordedResumedRuns, recordResumedDelivery } from '../../src/automations/event-records.ts';
import { EventRecord } from '../../src/db/entities/index.ts';
import type { Orm } from '../../src/db/orm.ts';
import type { NormalizedEvent } from '../../workflows/contracts.ts';
import { createTestOrm, DIALECTS } from '../support/db.ts';

const DAY = 86_400_000;
const event = (delivery: string, fields: { type?: string; connectionId?: string; at?: number } = {}): NormalizedEvent => ({
  type: fields.type ?? 'github.pull_request.closed',
  id: delivery,
  source: { connector: 'github', connectionId: fields.connectionId ?? 'conn_gh' },
  payload: { pull_request: { number: 7 } },
  receivedAt: new Date(fields.at ?? Date.now()).toISOString(),
  headers: { 'x-github-event': 'pull_request' },
});
const idOf = (e: NormalizedEvent) => `wh:github:${e.source.connectionId}:${e.id}`;

describe.each(DIALECTS)('event records on %s', (dialect) => {
  let orm: Orm;
  let close: () => Promise<void>;
  const record = (e: NormalizedEvent, resumed: string[], windowDays = 7) => recordResumedDelivery(orm, idOf(e), e, resumed, windowDays);

  beforeAll(async () => {
    ({ orm, close } = await createTestOrm(dialect));
  });
  afterAll(async () => {
    await close?.();
  });

  it('records an event id once; a second record finds the runs the first resumed', async () => {
    const e = event('once');
    expect(await record(e, ['run:a', 'run:b'])).toEqual({ recorded: true });
    expect(await record(e, ['run:c'])).toEqual({ recorded: false, resumed: ['run:a', 'run:b'] });
    const both = await Promise.all([record(event('together'), ['run:x']), record(event('together'), ['run:x'])]);
    expect(both.filter((o) => o.recorded)).toHaveLength(1);
    expect(await recordedResumedRuns(orm, idOf(e))).toEqual(['run:a', 'run:b']);
    expect(await recordedResumedRuns(orm, 'wh:github:conn_gh:never')).toBeUndefined();
    const row = await orm.em.fork().findOneOrFail(EventRecord, { id: idOf(e) });
    expect(row.event).toEqual(e);
  });

  it("selects by the events API's filters, newest first, up to the limit", async () => {
    const now = Date.now();
    await record(event('f-old', { at: now - 3 * 3_600_000 }), ['run:1']);
    await record(event('f-mid', { at: now - 2 * 3_600_000, connectionId: 'conn_other' }), ['run:2']);
    await record(event('f-new', { at: now - 3_600_000, type: 'github.unparsed' }), ['run:3']);
    const ids = async (filter: Parameters<typeof eventRecords>[1]) => (await eventRecords(orm, filter)).map((r) => r.id).filter((id) => id.includes(':f-'));
    expect(await ids({ since: new Date(now - 4 * 3_600_000).toISOString(), limit: 50 })).toEqual(['wh:github:conn_gh:f-new', 'wh:github:conn_other:f-mid', 'wh:github:conn_gh:f-old']);
    expect(await ids({ connectionId: 'conn_other', limit: 50 })).toEqual(['wh:github:conn_other:f-mid']);
    expect(await ids({ type: 'github.pull_request.closed', until: new Date(now - 150 * 60_000).toISOString(), limit: 50 })).toEqual(['wh:github:conn_gh:f-old']);
    expect(await ids({ unparsed: true, limit: 50 })).toEqual(['wh:github:conn_gh:f-new']);
    expect(await eventRecords(orm, { connector: 'github', limit: 2 })).toHaveLength(2);
    expect(await ids({ connector: 'stripe', limit: 50 })).toEqual([]);
  });

  it('purges records older than the dedupe window on a later record', async () => {
    const stale = event('stale', { at: Date.now() - 8 * DAY });
    const recent = event('recent', { at: Date.now() - 6 * DAY });
    await record(stale, ['run:s']);
    await record(recent, ['run:r']);
    await record(event('later'), ['run:l'], 7);
    expect(await recordedResumedRuns(orm, idOf(stale))).toBeUndefined();
    expect(await recordedResumedRuns(orm, idOf(recent))).toEqual(['run:r']);
  });
});
