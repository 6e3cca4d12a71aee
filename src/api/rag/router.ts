/**
 * RAG indexes: create, list, delete, ingest documents (as a workflow) and query.
 */
import { z } from 'zod';
import { embeddingProblem } from '../../ai/embeddings.ts';
import { Connection, RagDocument, RagIndex } from '../../db/entities/index.ts';
import { ApiError } from '../../errors.ts';
import { ingestionStatus, startIngestion } from '../../rag/ingestion.ts';
import { createIndex, deleteIndex, findIndex, queryIndex } from '../../rag/service.ts';
import type { Services } from '../../services.ts';
import { deleteOne, getOne, linksToCreated, linkTo, listOf, route } from '../http.ts';
import { idParams } from '../ids.ts';
import { assertNameFree, orNotFound } from '../lookup.ts';
import { createIndexSchema, indexSchema, ingestSchema, progressSchema, querySchema, resultSchema } from './schemas.ts';


function view(index: RagIndex, documents?: number) {
  return {
    id: index.id,
    name: index.name,
    embedding: index.embedding,
    store: index.store ?? null,
    chunking: index.chunking,
    ...(documents !== undefined ? { documents } : {}),
    createdAt: index.createdAt.toISOString(),
  };
}

export function ragRoutes(services: Services) {
  const deps = () => ({ orm: services.orm, keyring: services.keyring, connectors: services.connectors, outbound: services.outbound });
  const load = async (id: string) => orNotFound(await findIndex(services.orm.em.fork(), id), `RAG index ${id}`);
  return [
    route({
      method: 'post',
      path: '/rag/indexes',
      summary: 'Create a RAG index',
      description:
        'On the embedded store: full-text (BM25) retrieval always; vector retrieval, fused by reciprocal rank, when `embedding` names a connection whose connector provides embeddings (openai, cohere, …). With `store`, chunks live in that connection\'s vector store (qdrant, pinecone, …); moving an index to another store is a re-ingest.',
      tags: ['rag'],
      scope: 'connections:write',
      body: createIndexSchema,
      responses: { 201: { description: 'Created', schema: z.object({ id: z.string() }) }, 409: { description: 'Name taken' } },
      links: { 201: linksToCreated('/rag/indexes/:id', 'Index', { more: { AddDocuments: ['post', '/documents'], QueryIndex: ['post', '/query'] } }) },
      handler: async ({ body }) => {
        const em = services.orm.em.fork();
        await assertNameFree(em, RagIndex, body.name, 'a RAG index');
        if (body.embedding) {
          const conn = await em.findOne(Connection, { id: body.embedding.connection });
          const problem = embeddingProblem(services, conn?.connector, body.embedding);
          if (problem) throw new ApiError(400, 'CONFIG_INVALID', problem);
        }
        let store: { connection: string; namespace?: string | undefined } | undefined;
        if (body.store) {
          const conn = await em.findOne(Connection, { $or: [{ id: body.store.connection }, { name: body.store.connection }] });
          const capability = conn ? services.connectors.get(conn.connector)?.capabilities?.vectorStore : undefined;
          if (!conn || !capability) {
            throw new ApiError(400, 'CONFIG_INVALID', 'store.connection must name a connection whose connector provides vectorStore', [{ path: 'body.store.connection', message: 'not a vector store connection' }]);
          }
          if (!body.embedding && !capability.keyword) {
            throw new ApiError(400, 'CONFIG_INVALID', `the ${conn.connector} store searches vectors only: give the index an embedding`, [{ path: 'body.embedding', message: 'required for this store' }]);
          }
          store = { connection: conn.id, namespace: body.store.namespace };
        }
        const index = await createIndex(em, { ...body, store });
        return { status: 201, body: { id: index.id } };
      },
    }),
    listOf({
      path: '/rag/indexes',
      summary: 'List RAG indexes',
      tags: ['rag'],
      scope: 'connections:read',
      listed: 'Indexes',
      schema: indexSchema,
      load: async () => (await services.orm.em.fork().find(RagIndex, {}, { orderBy: { createdAt: 'asc' } })).map((i) => view(i)),
    }),
    getOne({
      path: '/rag/indexes/:id',
      summary: 'Get a RAG index (by id or name)',
      tags: ['rag'],
      scope: 'connections:read',
      params: idParams,
      noun: 'index',
      schema: indexSchema,
      load: async ({ id }) => {
        const index = await load(id);
        return view(index, await services.orm.em.fork().count(RagDocument, { indexId: index.id }));
      },
    }),
    deleteOne({
      path: '/rag/indexes/:id',
      summary: 'Delete a RAG index with its documents and chunks',
      tags: ['rag'],
      scope: 'connections:write',
      params: idParams,
      noun: 'index',
      done: 'Deleted',
      remove: async ({ id }) => deleteIndex(deps(), await load(id)),
    }),
    route({
      method: 'post',
      path: '/rag/indexes/:id/documents',
      summary: 'Ingest documents (runs as a workflow)',
      description:
        'Documents are staged and ingested by a `ragIngestWorkflow` run in batches. Re-ingesting a document id replaces its chunks. Follow progress at `GET /rag/ingestions/{ingestionId}`.',
      tags: ['rag'],
      scope: 'connections:write',
      params: idParams,
      body: ingestSchema,
      temporal: true,
      responses: {
        202: { description: 'Accepted', schema: z.object({ ingestionId: z.string(), documents: z.number() }) },
        404: { description: 'No such index' },
      },
      links: { 202: { GetIngestion: linkTo('get', '/rag/ingestions/:id', { id: '$response.body#/ingestionId' }) } },
      handler: async ({ params, body }) => {
        const index = await load(params.id);
        const ids = body.documents.map((d) => d.id);
        if (new Set(ids).size !== ids.length) throw new ApiError(400, 'INVALID_INPUT', 'document ids must be unique within a request');
        const ingestionId = await startIngestion(services, index, body.documents, body.batchSize);
        return { status: 202, body: { ingestionId, documents: ids.length } };
      },
    }),
    route({
      method: 'get',
      path: '/rag/ingestions/:id',
      summary: 'Progress of an ingestion',
      tags: ['rag'],
      scope: 'connections:read',
      params: idParams,
      temporal: true,
      responses: { 200: { description: 'Progress', schema: progressSchema }, 404: { description: 'No such ingestion' } },
      handler: async ({ params }) => {
        return { body: orNotFound(await ingestionStatus(services, params.id), `ingestion ${params.id}`) };
      },
    }),
    route({
      method: 'post',
      path: '/rag/indexes/:id/query',
      summary: 'Retrieve the chunks that best match a query',
      tags: ['rag'],
      scope: 'connections:read',
      params: idParams,
      body: querySchema,
      responses: { 200: { description: 'Results', schema: z.object({ results: z.array(resultSchema) }) }, 404: { description: 'No such index' } },
      handler: async ({ params, body }) => {
        const index = await load(params.id);
        const results = await queryIndex(deps(), index, body);
        return { body: { results } };
      },
    }),
  ];
}
