/**
 * Qdrant's REST API (https://api.qdrant.tech): collections, points upsert/delete/query.
 * Chunk ids become UUIDs (Qdrant ids are UUIDs or integers); the chunk id, document id,
 * text and metadata travel in the payload, and metadata filters match `metadata.<key>`.
 */
import { createHash } from 'node:crypto';
import { type HttpClient, type HttpRequest, type HttpResponse, type MetadataFilter, type VectorHit } from '../sdk/index.ts';
import { expectOkAnswer } from '../sdk/provider-errors.ts';
import type { QdrantConfig, QdrantSecrets } from './schemas.ts';

export interface QdrantCtx {
  config: QdrantConfig;
  secrets: QdrantSecrets;
  http: HttpClient;
}

/** Qdrant's answer envelope. */
export interface QdrantEnvelope<T> {
  result: T;
  status: unknown;
  time?: number;
}

export interface QdrantScoredPoint {
  id: string | number;
  score: number;
  payload?: Record<string, unknown> | null;
  version?: number;
}

/** A deterministic UUID (version 5 layout over SHA-1) for a chunk id. */
export function pointIdOf(chunkId: string): string {
  const h = createHash('sha1').update(`switchboard:${chunkId}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function qdrantRequest<T>(ctx: QdrantCtx, req: Omit<HttpRequest, 'url'> & { path: string }) {
  const { path, ...rest } = req;
  return ctx.http.request<T>({
    ...rest,
    url: `${ctx.config.url.replace(/\/+$/, '')}${path}`,
    headers: { ...(ctx.secrets.apiKey ? { 'api-key': ctx.secrets.apiKey } : {}), ...rest.headers },
  });
}

export const collectionPath = (name: string) => `/collections/${encodeURIComponent(name)}`;

/** Qdrant's filter for an equality match on every metadata key (and optional extra conditions). */
export function qdrantFilter(filter: MetadataFilter | undefined, extra: { key: string; value: string }[] = []) {
  const must = [...extra.map((c) => ({ key: c.key, match: { value: c.value } })), ...Object.entries(filter ?? {}).map(([k, v]) => ({ key: `metadata.${k}`, match: { value: v } }))];
  return must.length ? { must } : undefined;
}

/** Nearest points (`POST /collections/{name}/points/query`), payloads included. */
export async function queryPoints(ctx: QdrantCtx, collection: string, vector: number[], limit: number, filter?: Record<string, unknown>): Promise<QdrantScoredPoint[]> {
  const res = await qdrantRequest<QdrantEnvelope<{ points: QdrantScoredPoint[] }>>(ctx, {
    method: 'POST',
    path: `${collectionPath(collection)}/points/query`,
    body: { query: vector, limit, with_payload: true, ...(filter ? { filter } : {}) },
  });
  return res.body?.result?.points ?? [];
}

/** A scored point as a RAG hit (points written by other tools lack our payload keys). */
export function toHit(p: QdrantScoredPoint): VectorHit {
  const payload = p.payload ?? {};
  return {
    chunkId: typeof payload['chunkId'] === 'string' ? payload['chunkId'] : String(p.id),
    documentId: typeof payload['documentId'] === 'string' ? payload['documentId'] : '',
    text: typeof payload['text'] === 'string' ? payload['text'] : '',
    metadata: payload['metadata'] && typeof payload['metadata'] === 'object' ? (payload['metadata'] as Record<string, unknown>) : {},
    score: p.score,
  };
}

/** Throws the connector error of a non-2xx answer fetched with `allowErrorStatus` (no body text: it may echo credentials). */
export function expectOk(res: HttpResponse, what: string): void {
  expectOkAnswer(res, `Qdrant ${what}`);
}
