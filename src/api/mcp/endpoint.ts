/**
 * Switchboard's own MCP endpoint: `POST /mcp` speaks streamable HTTP (stateless, JSON
 * responses) with the official SDK server. Authentication is the API key as a bearer
 * token, checked before the MCP layer sees the request.
 */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import express, { type Router } from 'express';
import { z } from 'zod';
import { authenticate, MISSING_KEY_MESSAGE, presentedApiKey } from '../auth.ts';
import { toApiError } from '../errors.ts';
import { defaultResponses, errorBodySchema, type Principal } from '../http.ts';
import { ApiError } from '../../errors.ts';
import { requireScope } from '../../security/scopes.ts';
import type { Services } from '../../services.ts';
import { VERSION } from '../../version.ts';
import { McpToolError, SWITCHBOARD_MCP_TOOLS, type SwitchboardMcpTool } from './tools.ts';
import { agentMcpTools } from './agent-tools.ts';

/** `agents`: the automations that are one agent step, as tools (agent-tools.ts). */
function buildServer(services: Services, principal: Principal, agents: SwitchboardMcpTool[] = []): McpServer {
  const server = new McpServer({ name: 'switchboard', version: VERSION }, { instructions: 'Drive durable Switchboard automations and search its RAG indexes.' });
  for (const tool of [...SWITCHBOARD_MCP_TOOLS, ...agents]) {
    server.registerTool(
      tool.name,
      { title: tool.title, description: tool.description, inputSchema: tool.input, annotations: { readOnlyHint: tool.readOnly, openWorldHint: false } },
      async (args: Record<string, unknown>) => {
        try {
          requireScope(principal, tool.scope);
          const result = await tool.run(services, args as never, principal);
          return { content: [{ type: 'text' as const, text: JSON.stringify(result) }], structuredContent: result as Record<string, unknown> };
        } catch (err) {
          if (err instanceof McpToolError || err instanceof ApiError) return { isError: true, content: [{ type: 'text' as const, text: err.message }] };
          // The API's translations (Temporal unavailable, reused idempotency key) hold for tools too.
          const translated = toApiError(err);
          if (translated.code !== 'INTERNAL') {
            const retry = translated.headers?.['Retry-After'];
            return { isError: true, content: [{ type: 'text' as const, text: `${translated.code}: ${translated.message}${retry ? ` (retry after ${retry} s)` : ''}` }] };
          }
          services.logger.error({ err, tool: tool.name }, 'MCP tool failed');
          return { isError: true, content: [{ type: 'text' as const, text: `${tool.name} failed (see the server log)` }] };
        }
      },
    );
  }
  return server;
}

/** The `/mcp` router (mounted through PUBLIC_MOUNTS, with its own bearer check). */
/** A JSON-RPC error answer (what the MCP transport sends for requests it refuses). */
const jsonRpcErrorSchema = z
  .object({
    jsonrpc: z.literal('2.0'),
    error: z.object({ code: z.number().int(), message: z.string(), data: z.unknown().optional() }),
    id: z.union([z.string(), z.number(), z.null()]),
  })
  .meta({ id: 'JsonRpcError' });

export function mcpEndpoint(services: Services, registry: OpenAPIRegistry): Router {
  const router = express.Router();
  router.use(express.json({ limit: '4mb' }));
  router.all('/', async (req, res, next) => {
    try {
      const token = presentedApiKey(req);
      const principal = token ? await authenticate(services, token) : undefined;
      if (!principal) {
        throw new ApiError(401, 'UNAUTHENTICATED', token ? 'Invalid API key' : MISSING_KEY_MESSAGE, undefined, { 'WWW-Authenticate': 'Bearer' });
      }
      if (req.method !== 'POST') throw new ApiError(405, 'METHOD_NOT_ALLOWED', 'The stateless MCP endpoint answers POST only', undefined, { Allow: 'POST' });
      const server = buildServer(services, principal, await agentMcpTools(services));
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
      res.on('close', () => {
        void transport.close();
        void server.close();
      });
      await server.connect(transport);
      await transport.handleRequest(req, res, req.body);
    } catch (err) {
      next(err);
    }
  });
  registry.registerPath({
    method: 'post',
    path: '/mcp',
    summary: 'Model Context Protocol endpoint (streamable HTTP, JSON-RPC)',
    description: `Tools (and the scope each needs): ${SWITCHBOARD_MCP_TOOLS.map((t) => `${t.name} (\`${t.scope}\`)`).join(', ')}; plus \`agent_<name>\` (\`runs:write\`) for every automation that is one agent step. Authenticate with the API key as a bearer token (or X-API-Key); a tool the key lacks the scope for answers a tool error naming the scope.`,
    tags: ['mcp'],
    security: [{ bearerAuth: [] }, { apiKeyHeader: [] }],
    request: {
      headers: z.object({
        accept: z.literal('application/json, text/event-stream').describe('streamable HTTP: the client must accept both'),
      }),
      body: {
        required: true,
        content: {
          'application/json': {
            schema: z
              .object({
                jsonrpc: z.literal('2.0'),
                id: z.union([z.string(), z.number().int()]).optional().describe('absent: a notification (answered 202)'),
                method: z.string(),
                params: z.record(z.string(), z.unknown()).optional(),
              })
              .strict()
              .meta({ id: 'JsonRpcRequest' }),
          },
        },
      },
    },
    responses: {
      200: { description: 'JSON-RPC response (errors of the call are JSON-RPC errors)' },
      202: { description: 'Notification accepted' },
      ...defaultResponses({ secured: true, hasParams: false, hasBody: true, temporal: true }),
      // The MCP transport answers its own refusals as JSON-RPC errors; ours (bad JSON, 401, 413) are `Error`s.
      400: { description: 'Not JSON, or not a JSON-RPC request', content: { 'application/json': { schema: z.union([errorBodySchema, jsonRpcErrorSchema]) } } },
      405: { description: 'Not a POST', content: { 'application/json': { schema: errorBodySchema } } },
      406: { description: 'The Accept header does not accept both application/json and text/event-stream', content: { 'application/json': { schema: jsonRpcErrorSchema } } },
      415: { description: 'Not application/json', content: { 'application/json': { schema: z.union([errorBodySchema, jsonRpcErrorSchema]) } } },
    },
  });
  return router;
}
