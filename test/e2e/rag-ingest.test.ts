/**
 * RAG acceptance on a real stack: 1,000 generated documents ingested by the ingestion
 * workflow, with the worker stopped and restarted mid-way; no duplicate chunks; the
 * labelled query set reaches recall@5 ≥ 0.9 with the embedded default (full text).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chunkText } from '../../src/rag/chunk.ts';
import { generateCorpus, labelledQueries } from '../support/corpus.ts';
import { DIALECTS } from '../support/db.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

const CHUNKING = { size: 500, overlap: 80 };
const corpus = generateCorpus(1000);
const expectedChunks = corpus.reduce((n, d) => n + chunkText(d.text, CHUNKING).length, 0);

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.each(DIALECTS)('RAG ingestion and retrieval on %s', (dialect) => {
  let stack: TestStack;
  let indexId: string;
  beforeAll(async () => {
    stack = await startTestStack({ dialect });
    const res = await stack.api('/api/v1/rag/indexes', { method: 'POST', json: { name: 'projects', chunking: CHUNKING } });
    expect(res.status).toBe(201);
    indexId = ((await res.json()) as { id: string }).id;
  });
  afterAll(async () => {
    await stack?.close();
  });

  const progress = async (id: string) => (await (await stack.api(`/api/v1/rag/ingestions/${encodeURIComponent(id)}`)).json()) as Record<string, unknown>;

  it('ingests 1,000 documents as a workflow, survives a worker restart mid-way, and never duplicates chunks', async () => {
    const res = await stack.api(`/api/v1/rag/indexes/${indexId}/documents`, {
      method: 'POST',
      json: { documents: corpus.map((d) => ({ id: d.id, text: d.text, metadata: d.metadata })), batchSize: 20 },
    });
    expect(res.status).toBe(202);
    const { ingestionId, documents } = (await res.json()) as { ingestionId: string; documents: number };
    expect(documents).toBe(1000);
    expect(ingestionId).toMatch(new RegExp(`^ingest:${indexId}:`));

    // Progress is visible while it runs (query), and moves forward.
    const early = await until('progress', async () => {
      const p = await progress(ingestionId);
      return Number(p['processed']) >= 100 ? p : undefined;
    });
    expect(early['status']).toBe('RUNNING');
    expect(early['total']).toBe(1000);
    expect(Number(early['processed'])).toBeLessThan(1000);

    await stack.stopWorker();
    const [{ n: indexedWhileStopped }] = (await stack.db.query(`select count(*) as n from rag_documents where status = 'indexed'`)) as [{ n: number }];
    expect(Number(indexedWhileStopped)).toBeGreaterThan(0);
    expect(Number(indexedWhileStopped)).toBeLessThan(1000);
    const desc = await stack.services.temporal.client.workflow.getHandle(ingestionId).describe();
    expect(desc.status.name).toBe('RUNNING');
    await stack.startWorker();

    const final = await until('ingestion to finish', async () => {
      const p = await progress(ingestionId);
      return p['status'] === 'COMPLETED' ? p : undefined;
    });
    expect(final).toMatchObject({ done: true, total: 1000, processed: 1000, indexed: 1000, chunks: expectedChunks, failed: [] });

    const [counts] = await stack.db.query(`select count(*) as total, count(distinct chunk_id) as ids from rag_chunks where index_id = '${indexId}'`);
    expect(Number(counts!['total'])).toBe(expectedChunks);
    expect(Number(counts!['ids'])).toBe(expectedChunks);
    const dupOrdinals = await stack.db.query(`select document_id, ordinal from rag_chunks group by document_id, ordinal having count(*) > 1`);
    expect(dupOrdinals).toEqual([]);
    const [{ n: pending }] = (await stack.db.query(`select count(*) as n from rag_documents where status <> 'indexed'`)) as [{ n: number }];
    expect(Number(pending)).toBe(0);

    // The run shows its progress in the Temporal UI as current details.
    const meta = await stack.services.temporal.client.workflow.getHandle(ingestionId).query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    expect(meta.currentDetails).toContain('1000/1000 documents');
  });

  it('reaches recall@5 ≥ 0.9 on a labelled query set', async () => {
    const queries = labelledQueries(corpus, 100);
    let hits = 0;
    for (const q of queries) {
      const res = await stack.api(`/api/v1/rag/indexes/${indexId}/query`, { method: 'POST', json: { query: q.query, topK: 5 } });
      expect(res.status).toBe(200);
      const { results } = (await res.json()) as { results: { documentId: string; chunkId: string; score: number }[] };
      expect(results.length).toBeLessThanOrEqual(5);
      if (results.some((r) => r.documentId === q.expected)) hits++;
    }
    const recall = hits / queries.length;
    console.info(`[rag] ${dialect}: recall@5 = ${recall.toFixed(2)} over ${queries.length} queries, ${corpus.length} documents, ${expectedChunks} chunks`);
    expect(recall).toBeGreaterThanOrEqual(0.9);
  });

  it('re-ingesting a document id replaces its chunks; filters narrow results', async () => {
    const doc = corpus[3]!;
    const changed = { id: doc.id, text: `Project ${doc.facts.project} was renamed; its new mascot is a walrus called Zigzagoon.`, metadata: { city: 'Atlantis', year: 2030 } };
    const res = await stack.api(`/api/v1/rag/indexes/${indexId}/documents`, { method: 'POST', json: { documents: [changed] } });
    expect(res.status).toBe(202);
    const { ingestionId } = (await res.json()) as { ingestionId: string };
    await until('re-ingestion', async () => ((await progress(ingestionId))['status'] === 'COMPLETED' ? true : undefined));
    const [{ n }] = (await stack.db.query(`select count(*) as n from rag_chunks where document_id = '${doc.id}'`)) as [{ n: number }];
    expect(Number(n)).toBe(1);
    const [{ total }] = (await stack.db.query(`select count(*) as total from rag_chunks`)) as [{ total: number }];
    expect(Number(total)).toBe(expectedChunks - chunkText(doc.text, CHUNKING).length + 1);

    const q = async (json: unknown) =>
      ((await (await stack.api(`/api/v1/rag/indexes/${indexId}/query`, { method: 'POST', json })).json()) as { results: { documentId: string; metadata: Record<string, unknown> }[] }).results;
    expect((await q({ query: 'walrus Zigzagoon', topK: 3 }))[0]!.documentId).toBe(doc.id);
    expect((await q({ query: doc.facts.mascot, topK: 3 })).map((r) => r.documentId)).not.toContain(doc.id);
    const filtered = await q({ query: 'project mascot', topK: 10, filter: { city: 'Atlantis' } });
    expect(filtered.map((r) => r.documentId)).toEqual([doc.id]);
    expect(filtered[0]!.metadata).toEqual({ city: 'Atlantis', year: 2030 });
  });

  it('validates requests', async () => {
    const bad = await stack.api(`/api/v1/rag/indexes/${indexId}/documents`, { method: 'POST', json: { documents: [{ id: 'x', text: 'a', url: 'https://example.com' }] } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('INVALID_INPUT');
    const missing = await stack.api(`/api/v1/rag/indexes/rag_nope/query`, { method: 'POST', json: { query: 'x' } });
    expect(missing.status).toBe(404);
    const dup = await stack.api('/api/v1/rag/indexes', { method: 'POST', json: { name: 'projects' } });
    expect(dup.status).toBe(409);
    const emb = await stack.api('/api/v1/rag/indexes', { method: 'POST', json: { name: 'e', embedding: { connection: 'conn_missing', model: 'm', dimensions: 8 } } });
    expect(emb.status).toBe(400);
  });
});
