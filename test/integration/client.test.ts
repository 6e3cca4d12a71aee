import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSwitchboardClient, TemporalUnavailableError, temporalGrpcInterceptors, type SwitchboardClient } from '../../src/client/index.ts';
import { freePort } from '../support/ports.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

describe('createSwitchboardClient', () => {
  let stack: TestStack;
  let sb: SwitchboardClient;
  beforeAll(async () => {
    stack = await startTestStack();
    sb = createSwitchboardClient({ temporal: stack.services.temporal.client, taskQueue: stack.config.temporal.taskQueue });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('emits an event once per id, also under concurrency', async () => {
    const id = `inv_${randomUUID()}`;
    const input = { connector: 'billing', connectionId: 'internal', type: 'billing.invoice.paid', id, payload: { amount: 42 } };
    const answers = await Promise.all(Array.from({ length: 10 }, () => sb.emitEvent(input)));
    expect(answers.filter((a) => !a.duplicate)).toHaveLength(1);
    expect(new Set(answers.map((a) => `${a.workflowId}/${a.runId}`)).size).toBe(1);
    expect(answers[0]).toMatchObject({ eventId: id, workflowId: `wh:billing:internal:${id}` });
    const result = await stack.services.temporal.client.workflow.getHandle(answers[0]!.workflowId).result();
    expect(result).toEqual({ eventId: id, type: 'billing.invoice.paid', runs: [] });
    // After the run closed, the same id is still a duplicate of that run.
    expect(await sb.emitEvent(input)).toEqual({ ...answers[0], duplicate: true });
  });

  it('gives events without an id a fresh one and validates input', async () => {
    const a = await sb.emitEvent({ connector: 'billing', connectionId: 'internal', type: 'billing.ping', payload: null });
    const b = await sb.emitEvent({ connector: 'billing', connectionId: 'internal', type: 'billing.ping', payload: null });
    expect(a.eventId).not.toBe(b.eventId);
    expect(a.duplicate || b.duplicate).toBe(false);
    await expect(sb.emitEvent({ connector: 'bad:key', connectionId: 'x', type: 'a.b', payload: {} })).rejects.toThrow(/colon/);
    await expect(sb.emitEvent({ connector: 'a', connectionId: 'x', type: 'not a type', payload: {} })).rejects.toThrow(/dotted/);
  });

  it('starts a workflow at most once per idempotency key', async () => {
    const key = randomUUID();
    const first = await sb.startWorkflow('selfCheckWorkflow', { idempotencyKey: key, summary: 'client test' });
    expect(first).toMatchObject({ workflowId: `selfCheckWorkflow:${key}`, duplicate: false });
    const second = await sb.startWorkflow('selfCheckWorkflow', { idempotencyKey: key });
    expect(second).toEqual({ ...first, duplicate: true });
    await expect(sb.startWorkflow('selfCheckWorkflow', {})).rejects.toThrow(/idempotencyKey/);
  });

  it('fails fast with TemporalUnavailableError when Temporal cannot be reached', async () => {
    const connection = Connection.lazy({ address: `127.0.0.1:${await freePort()}`, connectTimeout: 500, interceptors: temporalGrpcInterceptors() });
    const dead = createSwitchboardClient({ temporal: new Client({ connection }), startDeadlineMs: 1_000 });
    const started = Date.now();
    await expect(dead.emitEvent({ connector: 'a', connectionId: 'b', type: 'a.b', payload: {} })).rejects.toBeInstanceOf(TemporalUnavailableError);
    expect(Date.now() - started).toBeLessThan(3_000);
    await connection.close();
  });
});
