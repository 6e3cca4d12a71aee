/**
 * An in-memory Qdrant speaking its REST wire format on 127.0.0.1 (through the contract
 * kit's `httpFake`, so faults can be injected): collections (cosine), points upsert,
 * delete by filter or ids, `points/query` and `points/search` with `must` match filters,
 * and the `api-key` header.
 */
import type { FakeRequest, FakeResponse } from '../../../src/testing/index.ts';
import { httpFake, type HttpFake } from '../../../src/testing/index.ts';
import { cosine } from '../../../src/rag/store.ts';

interface Point {
  id: string | number;
  vector: number[];
  payload: Record<string, unknown>;
}

interface Collection {
  size: number;
  points: Map<string, Point>;
}

export interface QdrantState {
  collections: Map<string, Collection>;
}

type Condition = { key: string; match?: { value?: unknown; any?: unknown[] } };
type Filter = { must?: Condition[]; must_not?: Condition[] };

function valueAt(payload: Record<string, unknown>, key: string): unknown {
  return key.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), payload);
}

const matches = (c: Condition, p: Point) => {
  const v = valueAt(p.payload, c.key);
  if (c.match && 'value' in c.match) return v === c.match.value;
  if (c.match?.any) return c.match.any.includes(v);
  return false;
};

function passes(filter: Filter | undefined, p: Point): boolean {
  if (!filter) return true;
  return (filter.must ?? []).every((c) => matches(c, p)) && !(filter.must_not ?? []).some((c) => matches(c, p));
}

const ok = (result: unknown): FakeResponse => ({ body: { result, status: 'ok', time: 0.0001 } });
const fail = (status: number, error: string): FakeResponse => ({ status, body: { status: { error }, time: 0.0001 } });

/** The responder: Qdrant's routes over `state`. */
export function qdrantResponder(state: QdrantState, apiKey?: string): (req: FakeRequest) => FakeResponse {
  return (req) => {
    if (apiKey && req.headers['api-key'] !== apiKey) return { status: 401, body: 'Invalid api-key' };
    const url = new URL(req.url, 'http://qdrant');
    const body = (req.json ?? {}) as Record<string, unknown>;
    if (req.method === 'GET' && url.pathname === '/collections') {
      return ok({ collections: [...state.collections.keys()].map((name) => ({ name })) });
    }
    const m = /^\/collections\/([^/]+)(\/points(?:\/(delete|query|search))?)?$/.exec(url.pathname);
    if (!m) return fail(404, `Not found: ${url.pathname}`);
    const name = decodeURIComponent(m[1]!);
    const col = state.collections.get(name);
    if (!m[2]) {
      if (req.method === 'GET') return col ? ok({ status: 'green', points_count: col.points.size, config: { params: { vectors: { size: col.size, distance: 'Cosine' } } } }) : fail(404, `Not found: Collection \`${name}\` doesn't exist!`);
      if (req.method === 'PUT') {
        if (col) return fail(409, `Wrong input: Collection \`${name}\` already exists!`);
        const vectors = body['vectors'] as { size?: number; distance?: string } | undefined;
        if (!vectors?.size || vectors.distance !== 'Cosine') return fail(400, 'Wrong input: vectors.size and distance are required');
        state.collections.set(name, { size: vectors.size, points: new Map() });
        return ok(true);
      }
      if (req.method === 'DELETE') return ok(state.collections.delete(name));
    }
    if (!col) return fail(404, `Not found: Collection \`${name}\` doesn't exist!`);
    const action = m[3];
    if (req.method === 'PUT' && !action) {
      for (const p of (body['points'] ?? []) as Point[]) {
        if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(String(p.id)) && typeof p.id !== 'number') return fail(400, `Format error in JSON body: value ${p.id} is not a valid point ID`);
        if (!Array.isArray(p.vector) || p.vector.length !== col.size) return fail(400, `Wrong input: Vector dimension error: expected dim: ${col.size}, got ${p.vector?.length}`);
        col.points.set(String(p.id), { id: p.id, vector: p.vector, payload: p.payload ?? {} });
      }
      return ok({ operation_id: col.points.size, status: url.searchParams.get('wait') === 'true' ? 'completed' : 'acknowledged' });
    }
    if (req.method === 'POST' && action === 'delete') {
      const ids = body['points'] as (string | number)[] | undefined;
      for (const [key, p] of [...col.points]) {
        if (ids ? ids.map(String).includes(key) : passes(body['filter'] as Filter, p)) col.points.delete(key);
      }
      return ok({ operation_id: 0, status: 'completed' });
    }
    if (req.method === 'POST' && (action === 'query' || action === 'search')) {
      const vector = (action === 'query' ? body['query'] : body['vector']) as number[];
      if (!Array.isArray(vector) || vector.length !== col.size) return fail(400, 'Wrong input: Vector dimension error');
      const limit = Number(body['limit'] ?? 10);
      const scored = [...col.points.values()]
        .filter((p) => passes(body['filter'] as Filter, p))
        .map((p) => ({ id: p.id, version: 0, score: cosine(vector, p.vector), payload: body['with_payload'] ? p.payload : null }))
        .sort((a, b) => b.score - a.score)
        .slice(0, limit);
      return ok(action === 'query' ? { points: scored } : scored);
    }
    return fail(404, `Not found: ${req.method} ${url.pathname}`);
  };
}

export interface FakeQdrant extends HttpFake {
  state: QdrantState;
}

export async function startFakeQdrant(opts: { apiKey?: string; malformed?: FakeResponse } = {}): Promise<FakeQdrant> {
  const state: QdrantState = { collections: new Map() };
  const fake = await httpFake(qdrantResponder(state, opts.apiKey), opts.malformed ? { malformed: opts.malformed } : {});
  return Object.assign(fake, { state });
}
