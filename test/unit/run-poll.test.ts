/**
 * One poll as the activity runs it (src/connector-host/run-poll.ts): the first poll starts
 * from now unless backfilled, seen ids never return, a malformed answer fails the poll
 * with a clear, non-retried error, and a commit keeps new ids first, bounded.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConnectorError } from '../../connectors/sdk/errors.ts';
import { defineConnector } from '../../connectors/sdk/index.ts';
import { definePollingTrigger } from '../../connectors/sdk/polling.ts';
import type { PreparedConnection } from '../../src/connector-host/run-action.ts';
import { itemKeyOf, mergePollState, runPoll } from '../../src/connector-host/run-poll.ts';
import { Redactor } from '../../src/security/redact.ts';
import type { PollState } from '../../workflows/contracts.ts';

const NOW = new Date('2026-12-06T12:00:00Z');

function prepared(answer: () => unknown): PreparedConnection {
  const connector = defineConnector({
    key: 'acme',
    displayName: 'Acme',
    version: '1.0.0',
    description: 'test',
    config: z.object({}),
    secrets: z.object({}),
    actions: {},
    pollingTriggers: { new_things: definePollingTrigger({ description: 'things', interval: '1m', config: z.object({ list: z.string() }), poll: () => Promise.resolve(answer() as never) }) },
  });
  return { connection: { id: 'conn_1' }, connector, config: {}, secrets: {}, redactor: new Redactor() } as unknown as PreparedConnection;
}
const opts = { fetch: (() => Promise.reject(new Error('no calls'))) as never, resolveHost: (() => Promise.reject(new Error('no calls'))) as never, logger: console, signal: new AbortController().signal, now: NOW };
const trigger = { type: 'poll' as const, connection: 'conn_1', trigger: 'new_things', config: { list: 'a' } };
const items = [
  { id: 'old', payload: { n: 1 }, at: '2026-12-01T00:00:00Z' },
  { id: 'recent', payload: { n: 2 }, at: '2026-12-06T11:00:00Z' },
];

describe('runPoll', () => {
  it('first poll: from now (every item seen, no run), or backfilled by age', async () => {
    const first = await runPoll(prepared(() => ({ items, cursor: 'c1' })), trigger, undefined, opts);
    expect(first.items).toEqual([]);
    expect(first.commit).toMatchObject({ newIds: ['old', 'recent'], cursor: 'c1', unchanged: false });
    const backfilled = await runPoll(prepared(() => ({ items })), { ...trigger, backfill: '2h' }, undefined, opts);
    expect(backfilled.items.map((i) => i.id)).toEqual(['recent']);
  });

  it('later polls: only unseen ids, once each; nothing new with the same cursor is unchanged', async () => {
    const state = mergePollState(undefined, { source: 'conn_1/new_things/{"list":"a"}', cursor: 'c1', newIds: ['old', 'recent'], unchanged: false });
    const next = await runPoll(prepared(() => ({ items: [...items, { id: 'new', payload: 3 }, { id: 'new', payload: 3 }], cursor: 'c2' })), trigger, state, opts);
    expect(next.items).toEqual([{ key: 'new', id: 'new', payload: 3, at: undefined }]);
    const idle = await runPoll(prepared(() => ({ items, cursor: 'c1' })), trigger, state, opts);
    expect(idle.commit.unchanged).toBe(true);
    // Another trigger config is another source: it starts over from now.
    const moved = await runPoll(prepared(() => ({ items: [{ id: 'x', payload: 1 }] })), { ...trigger, config: { list: 'b' } }, state, opts);
    expect(moved.items).toEqual([]);
  });

  it('a malformed answer fails the poll with the reason (INVALID_INPUT, not retried); a bad trigger config is CONFIG_INVALID', async () => {
    const bad = runPoll(prepared(() => ({ items: [{ payload: 1 }] })), trigger, undefined, opts);
    await expect(bad).rejects.toBeInstanceOf(ConnectorError);
    await expect(bad).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/answered a poll that is not \{ items: \[\{ id, payload \}\], cursor \}: .*items\.0\.id/) });
    await expect(runPoll(prepared(() => ({ items: [] })), { ...trigger, config: {} }, undefined, opts)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });

  it('commits new ids first, bounded; long or odd ids get a hashed run key', () => {
    const prev: PollState = { kind: 'poll-state', source: 's', seen: ['b', 'a'] };
    expect(mergePollState(prev, { source: 's', newIds: ['c'], unchanged: false }).seen).toEqual(['c', 'b', 'a']);
    expect(mergePollState(prev, { source: 'other', newIds: ['c'], unchanged: false }).seen).toEqual(['c']);
    expect(itemKeyOf('post-1')).toBe('post-1');
    expect(itemKeyOf('https://blog.example/a b')).toMatch(/^sha256-[0-9a-f]{64}$/);
  });
});
