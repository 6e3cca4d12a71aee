/**
 * An in-memory Pinecone index speaking its data-plane REST format on 127.0.0.1 (through
 * the contract kit's `httpFake`): `/vectors/upsert`, `/query` (cosine, `$eq`/`$in`
 * filters), `/vectors/list` (prefix, pagination), `/vectors/delete` (ids or deleteAll;
 * a filter is refused as serverless indexes do) and `/describe_index_stats`, with the
 * `Api-Key` and `X-Pinecone-API-Version` headers.
 */
import type { FakeRequest, FakeResponse } from '../../../src/testing/index.ts';
import { httpFake, type HttpFake } from '../../../src/testing/index.ts';
import { cosine } from '../../../src/rag/store.ts';

interface Vector {
  id: string;
  values: number[];
  metadata: Record<string, unknown>;
}

export interface PineconeState {
  dimension: number;
  namespaces: Map<string, Map<string, Vector>>;
}

const LIST_PAGE = 2;

function passes(filter: Record<string, Record<string, unknown>> | undefined, v: Vector): boolean {
  return Object.entries(filter ?? {}).every(([key, cond]) => {
    const value = v.metadata[key];
    if ('$eq' in cond) return value === cond['$eq'];
    if ('$in' in cond) return (cond['$in'] as unknown[]).includes(value);
    return false;
  });
}

const error = (status: number, message: string): FakeResponse => ({ status, body: { code: status === 400 ? 3 : 5, message, details: [] } });

export function pineconeResponder(state: PineconeState, apiKey?: string): (req: FakeRequest) => FakeResponse {
  return (req) => {
    if (apiKey && req.headers['api-key'] !== apiKey) return { status: 401, body: { code: 16, message: 'Invalid API Key', details: [] } };
    if (!req.headers['x-pinecone-api-version']) return error(400, 'missing X-Pinecone-API-Version');
    const url = new URL(req.url, 'http://pinecone');
    const body = (req.json ?? {}) as Record<string, unknown>;
    const nsName = String((req.method === 'GET' ? url.searchParams.get('namespace') : body['namespace']) ?? '');
    const ns = () => {
      let n = state.namespaces.get(nsName);
      if (!n) state.namespaces.set(nsName, (n = new Map()));
      return n;
    };
    if (req.method === 'POST' && url.pathname === '/vectors/upsert') {
      const vectors = (body['vectors'] ?? []) as Vector[];
      for (const v of vectors) {
        if (v.values?.length !== state.dimension) return error(400, `Vector dimension ${v.values?.length} does not match the dimension of the index ${state.dimension}`);
        for (const value of Object.values(v.metadata ?? {})) {
          const okValue = ['string', 'number', 'boolean'].includes(typeof value) || (Array.isArray(value) && value.every((x) => typeof x === 'string'));
          if (!okValue) return error(400, 'Metadata value must be a string, number, boolean or list of strings');
        }
        ns().set(v.id, { id: v.id, values: v.values, metadata: v.metadata ?? {} });
      }
      return { body: { upsertedCount: vectors.length } };
    }
    if (req.method === 'POST' && url.pathname === '/query') {
      const vector = body['vector'] as number[];
      if (vector?.length !== state.dimension) return error(400, 'Query vector dimension does not match the index');
      const matches = [...(state.namespaces.get(nsName)?.values() ?? [])]
        .filter((v) => passes(body['filter'] as Record<string, Record<string, unknown>>, v))
        .map((v) => ({ id: v.id, score: cosine(vector, v.values), values: [], ...(body['includeMetadata'] ? { metadata: v.metadata } : {}) }))
        .sort((a, b) => b.score - a.score)
        .slice(0, Number(body['topK'] ?? 10));
      return { body: { results: [], matches, namespace: nsName, usage: { readUnits: 5 } } };
    }
    if (req.method === 'GET' && url.pathname === '/vectors/list') {
      const prefix = url.searchParams.get('prefix') ?? '';
      const limit = Math.min(Number(url.searchParams.get('limit') ?? 100), LIST_PAGE);
      const ids = [...(state.namespaces.get(nsName)?.keys() ?? [])].filter((id) => id.startsWith(prefix)).sort();
      const start = Number(Buffer.from(url.searchParams.get('paginationToken') ?? 'MA==', 'base64').toString('utf8'));
      const page = ids.slice(start, start + limit);
      const next = start + limit < ids.length ? Buffer.from(String(start + limit)).toString('base64') : undefined;
      return { body: { vectors: page.map((id) => ({ id })), ...(next ? { pagination: { next } } : {}), namespace: nsName, usage: { readUnits: 1 } } };
    }
    if (req.method === 'POST' && url.pathname === '/vectors/delete') {
      if (body['filter']) return error(400, 'Serverless and Starter indexes do not support deleting with metadata filtering');
      if (body['deleteAll']) {
        if (!state.namespaces.has(nsName)) return { status: 404, body: { code: 5, message: 'Namespace not found', details: [] } };
        state.namespaces.delete(nsName);
      } else for (const id of (body['ids'] ?? []) as string[]) state.namespaces.get(nsName)?.delete(id);
      return { body: {} };
    }
    if (req.method === 'POST' && url.pathname === '/describe_index_stats') {
      const namespaces = Object.fromEntries([...state.namespaces].map(([n, m]) => [n, { vectorCount: m.size }]));
      const total = [...state.namespaces.values()].reduce((s, m) => s + m.size, 0);
      return { body: { namespaces, dimension: state.dimension, indexFullness: 0, totalVectorCount: total, metric: 'cosine', vectorType: 'dense' } };
    }
    return error(404, `Not Found: ${req.method} ${url.pathname}`);
  };
}

export interface FakePinecone extends HttpFake {
  state: PineconeState;
}

export async function startFakePinecone(opts: { dimension: number; apiKey?: string; malformed?: FakeResponse }): Promise<FakePinecone> {
  const state: PineconeState = { dimension: opts.dimension, namespaces: new Map() };
  const fake = await httpFake(pineconeResponder(state, opts.apiKey), opts.malformed ? { malformed: opts.malformed } : {});
  return Object.assign(fake, { state });
}
