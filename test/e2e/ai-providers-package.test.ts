/**
 * One third-party package (test/fixtures/acme-ai-providers, written against `switchboard/sdk`
 * and loaded through SWITCHBOARD_CONNECTOR_PACKAGES) adds an LLM provider (`acme-llm`) and a
 * vector store (`acme-vectors`), on a real stack (Temporal dev server, API, worker, SQLite):
 * a RAG index lives in the package's store (keyword search, no embeddings), and an
 * automation retrieves from it and hands the retrieved text to an llm step on the package's
 * provider; usage is recorded as for the built-in providers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { points } from '../fixtures/acme-ai-providers/index.ts';
import { createAutomation, startRun, waitFor, waitForRun, type RunBody } from '../support/runs.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

type Usage = { inputTokens: number; outputTokens: number };
type RunWithUsage = RunBody & { usage: Usage; error?: { code: string; message: string } };

describe('an LLM provider and a vector store from one connector package (e2e)', () => {
  let stack: TestStack;
  let llmConn: string;
  let indexId: string;

  const post = async <T,>(path: string, json: unknown, expected = 201) => {
    const res = await stack.api(path, { method: 'POST', json });
    expect(res.status, await res.clone().text()).toBe(expected);
    return (await res.json()) as T;
  };
  const finished = (workflowId: string) => waitForRun(stack, workflowId, (r) => r.status === 'completed' || r.status === 'failed', 'the run to finish') as Promise<RunWithUsage>;

  beforeAll(async () => {
    stack = await startTestStack({ env: { SWITCHBOARD_CONNECTOR_PACKAGES: './test/fixtures/acme-ai-providers' } });
    llmConn = (await post<{ id: string }>('/api/v1/connections', { connector: 'acme-llm', name: 'acme-llm', config: { prefix: 'heard: ' } })).id;
    await post('/api/v1/connections', { connector: 'acme-vectors', name: 'acme-store', config: { space: 'e2e' }, secrets: { token: 'acme-token-1' } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('lists both of the package\'s connectors with their capabilities', async () => {
    const { items } = (await (await stack.api('/api/v1/connectors')).json()) as { items: { key: string; capabilities: string[] }[] };
    const caps = Object.fromEntries(items.map((c) => [c.key, c.capabilities]));
    expect(caps).toMatchObject({ 'acme-llm': ['llm'], 'acme-vectors': ['vectorStore'] });
  });

  it('indexes documents into the package store without embeddings', async () => {
    ({ id: indexId } = await post<{ id: string }>('/api/v1/rag/indexes', { name: 'faq', store: { connection: 'acme-store', namespace: 'faq' } }));
    const { ingestionId } = await post<{ ingestionId: string }>(
      `/api/v1/rag/indexes/${indexId}/documents`,
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
    expect([...(points.get('e2e')?.get('faq')?.values() ?? [])].map((p) => p.documentId).sort()).toEqual(['refunds', 'refunds-de', 'shipping']);
    expect([...points.get('e2e')!.get('faq')!.values()].every((p) => p.vector === undefined)).toBe(true);
  });

  it('an automation retrieves from the store by keyword and the package LLM answers from the retrieved text', async () => {
    const { id } = await createAutomation(stack, {
      name: 'faq answer',
      trigger: { type: 'manual' },
      input: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] },
      steps: [
        { id: 'find', type: 'rag_retrieve', index: 'faq', query: '{{ input.q }}', topK: 2, filter: { lang: 'en' } },
        { id: 'answer', type: 'llm', connection: llmConn, system: 'Answer from the context.', prompt: 'Context: {{ steps.find.output.results[0].text }}' },
      ],
    });
    const { body } = await startRun(stack, id, { q: 'how long do refunds take' });
    const run = await finished(body.workflowId);
    expect(run.status, JSON.stringify(run.error ?? run.steps)).toBe('completed');

    const results = (run.result!.outputs['find'] as { results: { documentId: string; text: string; metadata: Record<string, unknown> }[] }).results;
    expect(results[0]).toMatchObject({ documentId: 'refunds', text: 'Refunds are paid within five business days.', metadata: { lang: 'en' } });
    expect(results.every((r) => r.metadata['lang'] === 'en')).toBe(true);

    // The provider answers with the prompt it got: the retrieved chunk reached it. One token per character.
    const prompt = 'Context: Refunds are paid within five business days.';
    expect(run.steps[1]).toMatchObject({ id: 'answer', status: 'completed', output: { text: `heard: ${prompt}`, model: 'echo-1', finishReason: 'stop' } });
    const usage = { inputTokens: 'Answer from the context.'.length + prompt.length, outputTokens: `heard: ${prompt}`.length };
    expect(run.steps[1]).toMatchObject({ output: { usage } });
    expect(run.usage).toEqual(usage);
  });

  it('an llm step on the package provider: text and structured output, usage recorded the same way', async () => {
    const { id } = await createAutomation(stack, {
      name: 'echo',
      trigger: { type: 'manual' },
      steps: [
        { id: 'say', type: 'llm', connection: llmConn, prompt: 'Hello {{ input.name }}' },
        { id: 'shape', type: 'llm', connection: llmConn, prompt: 'again', output: { type: 'object', properties: { echo: { type: 'string' } }, required: ['echo'] } },
      ],
    });
    const { body } = await startRun(stack, id, { name: 'Ada' });
    const run = await finished(body.workflowId);
    expect(run.status, JSON.stringify(run.error ?? run.steps)).toBe('completed');
    expect(run.steps[0]).toMatchObject({ status: 'completed', output: { text: 'heard: Hello Ada', model: 'echo-1', usage: { inputTokens: 9, outputTokens: 16 } } });
    expect(run.steps[1]).toMatchObject({ status: 'completed', output: { object: { echo: 'again' }, usage: { inputTokens: 5, outputTokens: 12 } } });
    expect(run.usage).toEqual({ inputTokens: 14, outputTokens: 28 });
  });

  it('deleting the index deletes its namespace in the package store', async () => {
    expect((await stack.api(`/api/v1/rag/indexes/${indexId}`, { method: 'DELETE' })).status).toBe(204);
    expect(points.get('e2e')?.has('faq')).toBe(false);
  });
});
