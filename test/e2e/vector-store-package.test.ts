/**
 * A vector store from a third-party connector package (test/fixtures/memo-vector-provider,
 * loaded through SWITCHBOARD_CONNECTOR_PACKAGES) serves a RAG index without embeddings
 * (it searches by keyword), and an automation's `rag_retrieve` step reads from it end to end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memo } from '../fixtures/memo-vector-provider/connector.ts';
import { createAutomation, startRun, waitFor, waitForRun } from '../support/runs.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

describe('a vector store from a connector package (e2e)', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ env: { SWITCHBOARD_CONNECTOR_PACKAGES: './test/fixtures/memo-vector-provider' } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('indexes into the package store and an automation retrieves from it', async () => {
    const post = async <T,>(path: string, json: unknown, expected = 201) => {
      const res = await stack.api(path, { method: 'POST', json });
      expect(res.status, await res.clone().text()).toBe(expected);
      return (await res.json()) as T;
    };
    const connectors = (await (await stack.api('/api/v1/connectors')).json()) as { items: { key: string; capabilities: string[] }[] };
    expect(connectors.items.find((c) => c.key === 'memo')?.capabilities).toEqual(['vectorStore']);

    await post('/api/v1/connections', { connector: 'memo', name: 'memo-store', config: { space: 'e2e' }, secrets: { token: 'memo-token-1' } });
    const { id } = await post<{ id: string }>('/api/v1/rag/indexes', { name: 'faq', store: { connection: 'memo-store', namespace: 'faq' } });
    const { ingestionId } = await post<{ ingestionId: string }>(
      `/api/v1/rag/indexes/${id}/documents`,
      {
        documents: [
          { id: 'refunds', text: 'Refunds are paid within five business days.', metadata: { lang: 'en' } },
          { id: 'shipping', text: 'Shipping takes two days inside the country.', metadata: { lang: 'en' } },
          { id: 'refunds-de', text: 'Refunds: Erstattungen dauern fünf Werktage.', metadata: { lang: 'de' } },
        ],
      },
      202,
    );
    await waitFor(async () => ((await (await stack.api(`/api/v1/rag/ingestions/${encodeURIComponent(ingestionId)}`)).json()) as { status: string }).status === 'COMPLETED', 'the ingestion');
    expect([...(memo.get('e2e')?.get('faq')?.values() ?? [])].map((p) => p.documentId).sort()).toEqual(['refunds', 'refunds-de', 'shipping']);

    const { id: automationId } = await createAutomation(stack, {
      name: 'faq lookup',
      trigger: { type: 'manual' },
      input: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] },
      steps: [{ id: 'find', type: 'rag_retrieve', index: 'faq', query: '{{ input.q }}', topK: 2, filter: { lang: 'en' } }],
    });
    const { body } = await startRun(stack, automationId, { q: 'how long do refunds take' });
    const run = await waitForRun(stack, body.workflowId, (r) => r.status === 'completed' || r.status === 'failed', 'the run');
    expect(run.status, JSON.stringify(run.steps)).toBe('completed');
    const results = (run.result!.outputs['find'] as { results: { documentId: string; metadata: Record<string, unknown> }[] }).results;
    expect(results[0]).toMatchObject({ documentId: 'refunds', metadata: { lang: 'en' } });
    expect(results.every((r) => r.metadata['lang'] === 'en')).toBe(true);

    expect((await stack.api(`/api/v1/rag/indexes/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect(memo.get('e2e')?.has('faq')).toBe(false);
  });
});
