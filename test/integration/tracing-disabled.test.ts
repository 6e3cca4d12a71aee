/**
 * Without OTEL_EXPORTER_OTLP_ENDPOINT tracing costs nothing: no SDK (the global tracer
 * stays the API's no-op), no interceptors, so no trace header goes into Temporal and no
 * `traceparent` to providers.
 */
import { trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { startTracing } from '../../src/telemetry/tracing.ts';
import { httpFake, type HttpFake } from '../../src/testing/index.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { createTestConnection } from '../support/webhooks.ts';

describe('tracing when no OTLP endpoint is set', () => {
  let fake: HttpFake;
  let stack: TestStack;

  beforeAll(async () => {
    fake = await httpFake(() => ({ body: { ok: true } }));
    stack = await startTestStack({ env: { SWITCHBOARD_SSRF_ALLOW: '127.0.0.1' } });
  }, 400_000);
  afterAll(async () => {
    await stack?.close();
    await fake?.close();
  });

  it('starts no SDK and registers nothing', async () => {
    expect(stack.config.tracing).toEqual({ otlpEndpoint: undefined, serviceName: undefined });
    expect(await startTracing(stack.config, 'dev')).toBeUndefined();
    expect(stack.services.tracing).toBeUndefined();
    expect(trace.getTracer('switchboard').startSpan('probe').isRecording()).toBe(false);
    expect(stack.services.temporal.client.options.interceptors.workflow).toEqual([]);
  });

  it('sends no trace header to Temporal and no traceparent to the provider', async () => {
    const id = await createTestConnection(stack.services, 'http', {}, { baseUrl: fake.url });
    const res = await stack.api(`/api/v1/connections/${id}/actions/request`, { method: 'POST', json: { input: { method: 'POST', url: '/plain', body: {} } } });
    expect(res.status).toBe(200);
    const { workflowId } = (await res.json()) as { workflowId: string };
    const [call] = fake.requests().filter((r) => r.url === '/plain');
    expect(call).toBeDefined();
    expect(call!.headers['traceparent']).toBeUndefined();
    const history = await stack.services.temporal.client.workflow.getHandle(workflowId).fetchHistory();
    const started = history.events!.find((e) => e.workflowExecutionStartedEventAttributes)!.workflowExecutionStartedEventAttributes!;
    expect(Object.keys(started.header?.fields ?? {})).not.toContain('_tracer-data');
    const scheduled = history.events!.filter((e) => e.activityTaskScheduledEventAttributes);
    expect(scheduled.length).toBeGreaterThan(0);
    for (const e of scheduled) expect(Object.keys(e.activityTaskScheduledEventAttributes!.header?.fields ?? {})).not.toContain('_tracer-data');
  });

  it('rejects an OTLP endpoint that is not a URL', () => {
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(/must be an http\(s\) URL/);
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT/);
  });
});
