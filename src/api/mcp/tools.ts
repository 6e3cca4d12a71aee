/**
 * The tools Switchboard itself serves at `/mcp`. Features add theirs to
 * {@link SWITCHBOARD_MCP_TOOLS}; each declares a zod input shape (which the SDK turns
 * into the tool's JSON Schema and validates) and a handler answering JSON.
 */
import { z } from 'zod';
import { RagIndex } from '../../db/entities/index.ts';
import { ingestionStatus, startIngestion } from '../../rag/ingestion.ts';
import { findIndex, queryIndex } from '../../rag/service.ts';
import { automationMcpTools } from './automation-tools.ts';
import { McpToolError } from '../errors.ts';
import { defineMcpTool, type SwitchboardMcpTool } from './tool-def.ts';

export { defineMcpTool, McpToolError, type SwitchboardMcpTool };

const ragTools = [
  defineMcpTool({
    name: 'list_rag_indexes',
    title: 'List RAG indexes',
    description: 'The RAG indexes documents can be searched in.',
    input: {},
    readOnly: true,
    scope: 'connections:read',
    async run(services) {
      const rows = await services.orm.em.fork().find(RagIndex, {}, { orderBy: { createdAt: 'asc' } });
      return { indexes: rows.map((r) => ({ id: r.id, name: r.name, hybrid: Boolean(r.embedding) })) };
    },
  }),
  defineMcpTool({
    name: 'query_rag_index',
    title: 'Search a RAG index',
    description: 'The chunks of an index that best match a query (BM25, fused with vector search when the index has embeddings).',
    input: { index: z.string().describe('index id or name'), query: z.string().min(1), topK: z.number().int().min(1).max(50).optional() },
    readOnly: true,
    scope: 'connections:read',
    async run(services, args) {
      const index = await findIndex(services.orm.em.fork(), args.index);
      if (!index) throw new McpToolError(`RAG index ${args.index} not found`);
      const results = await queryIndex({ orm: services.orm, keyring: services.keyring, connectors: services.connectors, outbound: services.outbound }, index, {
        query: args.query,
        topK: args.topK ?? 5,
      });
      return { results };
    },
  }),
  defineMcpTool({
    name: 'ingest_documents',
    title: 'Ingest documents into a RAG index',
    description: 'Starts a durable ingestion run; read its progress with get_ingestion.',
    input: {
      index: z.string(),
      documents: z.array(z.object({ id: z.string().min(1), text: z.string().optional(), url: z.url().optional(), metadata: z.record(z.string(), z.unknown()).optional() })).min(1).max(1000),
    },
    readOnly: false,
    scope: 'connections:write',
    async run(services, args) {
      const index = await findIndex(services.orm.em.fork(), args.index);
      if (!index) throw new McpToolError(`RAG index ${args.index} not found`);
      if (args.documents.some((d) => (d.text === undefined) === (d.url === undefined))) throw new McpToolError('each document needs exactly one of text or url');
      return { ingestionId: await startIngestion(services, index, args.documents) };
    },
  }),
  defineMcpTool({
    name: 'get_ingestion',
    title: 'Status of an ingestion run',
    description: 'Status (RUNNING, COMPLETED, FAILED, …) and progress of an ingestion started with ingest_documents.',
    input: { ingestionId: z.string() },
    readOnly: true,
    scope: 'connections:read',
    async run(services, args) {
      const status = await ingestionStatus(services, args.ingestionId);
      if (!status) throw new McpToolError(`ingestion ${args.ingestionId} not found`);
      return status;
    },
  }),
];

/** Every tool served at /mcp: the automation tools (automation-tools.ts) and the RAG tools above. */
export const SWITCHBOARD_MCP_TOOLS: SwitchboardMcpTool[] = [...automationMcpTools, ...ragTools];
