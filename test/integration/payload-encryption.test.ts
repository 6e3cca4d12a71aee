/**
 * Payload encryption: with SWITCHBOARD_PAYLOAD_ENCRYPTION on, what the Temporal
 * server stores is ciphertext, workers and clients still see plain values, and the
 * codec endpoint decodes for the Temporal UI only with an API key.
 */
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { WORKFLOW_ID_PREFIX } from '../../src/temporal/constants.ts';
import { selfCheckWorkflow } from '../../workflows/index.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

describe('payload encryption', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ env: { SWITCHBOARD_PAYLOAD_ENCRYPTION: 'true' } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("the run view decodes the run's start input: its trigger reads in plain text", async () => {
    const res = await stack.api('/api/v1/automations', { method: 'POST', json: { name: 'enc trigger', trigger: { type: 'manual' }, steps: [{ id: 't', type: 'transform', output: 1 }] } });
    const { id } = (await res.json()) as { id: string };
    const started = (await (await stack.api(`/api/v1/automations/${id}/runs`, { method: 'POST', json: { input: {} } })).json()) as { workflowId: string };
    const run = (await (await stack.api(`/api/v1/runs/${encodeURIComponent(started.workflowId)}`)).json()) as { trigger?: unknown };
    expect(run.trigger).toEqual({ type: 'manual', principal: 'bootstrap' });
  });

  it('stores ciphertext on the server, decodes through the client and the codec endpoint', async () => {
    const workflowId = `${WORKFLOW_ID_PREFIX.selfCheck}:enc-${Date.now()}`;
    const result = await stack.services.temporal.client.workflow.execute(selfCheckWorkflow, {
      taskQueue: stack.config.temporal.taskQueue,
      workflowId,
    });
    expect(result.activity.database).toBe('ok');

    // A client without the codec sees only encrypted payloads in the history.
    const connection = await Connection.connect({ address: inject('temporalAddress') });
    try {
      const raw = new Client({ connection });
      const history = await raw.workflow.getHandle(workflowId).fetchHistory();
      const completed = history.events!.find((e) => e.workflowExecutionCompletedEventAttributes)!;
      const payload = completed.workflowExecutionCompletedEventAttributes!.result!.payloads![0]!;
      expect(Buffer.from(payload.metadata!['encoding']!).toString()).toBe('binary/encrypted');
      expect(Buffer.from(payload.data!).toString('latin1')).not.toContain('SqlitePlatform');

      const wire = {
        payloads: [
          {
            metadata: Object.fromEntries(Object.entries(payload.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
            data: Buffer.from(payload.data!).toString('base64'),
          },
        ],
      };
      const anonymous = await fetch(`${stack.baseUrl}/codec/decode`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(wire) });
      expect(anonymous.status).toBe(401);
      const decoded = await stack.api('/codec/decode', { method: 'POST', json: wire });
      expect(decoded.status).toBe(200);
      const body = (await decoded.json()) as { payloads: { metadata: Record<string, string>; data: string }[] };
      expect(Buffer.from(body.payloads[0]!.metadata['encoding']!, 'base64').toString()).toBe('json/plain');
      expect(JSON.parse(Buffer.from(body.payloads[0]!.data, 'base64').toString())).toMatchObject({ ok: true, workflowId });
    } finally {
      await connection.close();
    }
  });
});
