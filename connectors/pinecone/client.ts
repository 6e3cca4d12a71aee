/**
 * Pinecone's data-plane REST API on an index host: upsert, query, list ids by prefix,
 * delete by ids, describe_index_stats. Vector ids are `<documentId>#<chunkId>` so a
 * document's chunks can be listed by prefix and deleted by id (serverless indexes do
 * not delete by metadata filter). Metadata is flat: the document's metadata keys
 * (strings, numbers, booleans, lists of strings) plus `sb_document_id`, `sb_chunk_id`
 * and `sb_text`.
 */
import { type HttpClient, type HttpRequest, type HttpResponse, type MetadataFilter, type VectorHit } from '../sdk/index.ts';
import { expectOkAnswer } from '../sdk/provider-errors.ts';
import type { PineconeConfig, PineconeSecrets } from './schemas.ts';

export interface PineconeCtx {
  config: PineconeConfig;
  secrets: PineconeSecrets;
  http: HttpClient;
}

export interface PineconeMatch {
  id: string;
  score: number;
  values?: number[];
  metadata?: Record<string, unknown>;
}

export const RESERVED = { documentId: 'sb_document_id', chunkId: 'sb_chunk_id', text: 'sb_text' } as const;

export function pineconeRequest<T>(ctx: PineconeCtx, req: Omit<HttpRequest, 'url'> & { path: string }) {
  const { path, ...rest } = req;
  return ctx.http.request<T>({
    ...rest,
    url: `${ctx.config.indexHost.replace(/\/+$/, '')}${path}`,
    headers: { 'Api-Key': ctx.secrets.apiKey, 'X-Pinecone-API-Version': ctx.config.apiVersion ?? '2025-04', ...rest.headers },
  });
}

/** Pinecone's filter: `{ key: { $eq: value } }` per metadata key (AND). */
export function pineconeFilter(filter: MetadataFilter | undefined): Record<string, unknown> | undefined {
  const entries = Object.entries(filter ?? {});
  return entries.length ? Object.fromEntries(entries.map(([k, v]) => [k, { $eq: v }])) : undefined;
}

/** `POST /query`, metadata included. */
export async function queryVectors(ctx: PineconeCtx, input: { namespace?: string | undefined; vector: number[]; topK: number; filter?: Record<string, unknown> | undefined }): Promise<PineconeMatch[]> {
  const res = await pineconeRequest<{ matches?: PineconeMatch[] }>(ctx, {
    method: 'POST',
    path: '/query',
    body: { vector: input.vector, topK: input.topK, includeMetadata: true, includeValues: false, ...(input.namespace ? { namespace: input.namespace } : {}), ...(input.filter ? { filter: input.filter } : {}) },
  });
  return res.body?.matches ?? [];
}

/** Every id with the prefix (`GET /vectors/list`, following pagination). */
export async function listIds(ctx: PineconeCtx, namespace: string, prefix: string): Promise<string[]> {
  const ids: string[] = [];
  let token: string | undefined;
  do {
    const res = await pineconeRequest<{ vectors?: { id: string }[]; pagination?: { next?: string } }>(ctx, {
      method: 'GET',
      path: '/vectors/list',
      query: { namespace, prefix, limit: 100, paginationToken: token },
    });
    ids.push(...(res.body?.vectors ?? []).map((v) => v.id));
    token = res.body?.pagination?.next;
  } while (token);
  return ids;
}

/** Flat metadata Pinecone accepts: scalars and lists of strings; other values as JSON text. */
export function flatMetadata(metadata: Record<string, unknown>): Record<string, string | number | boolean | string[]> {
  const out: Record<string, string | number | boolean | string[]> = {};
  for (const [k, v] of Object.entries(metadata)) {
    if (v === null || v === undefined) continue;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) out[k] = v as string[];
    else out[k] = JSON.stringify(v);
  }
  return out;
}

export function toHit(m: PineconeMatch): VectorHit {
  const { [RESERVED.documentId]: documentId, [RESERVED.chunkId]: chunkId, [RESERVED.text]: text, ...metadata } = m.metadata ?? {};
  return {
    chunkId: typeof chunkId === 'string' ? chunkId : m.id,
    documentId: typeof documentId === 'string' ? documentId : (m.id.split('#')[0] ?? ''),
    text: typeof text === 'string' ? text : '',
    metadata,
    score: m.score,
  };
}

/** Throws the connector error of a non-2xx answer fetched with `allowErrorStatus` (no body text: it may echo credentials). */
export function expectOk(res: HttpResponse, what: string): void {
  expectOkAnswer(res, `Pinecone ${what}`);
}
