/**
 * MCP server registrations: CRUD (headers and bearer tokens encrypted, never returned),
 * tool sync over the MCP protocol, and the stored tool list.
 */
import { z } from 'zod';
import { McpServer } from '../../db/entities/index.ts';
import { newId } from '../../db/ids.ts';
import { ApiError } from '../../errors.ts';
import { ConnectorError } from '../../../connectors/sdk/errors.ts';
import { MCP_TRANSPORTS, type McpSecrets, type McpTool } from '../../mcp/client.ts';
import { assertMasterKeyFits } from '../../security/master-key-guard.ts';
import { openMcpSecrets, sealMcpSecrets, syncMcpServer } from '../../mcp/service.ts';
import type { Services } from '../../services.ts';
import { deleteOne, getOne, linksToCreated, listOf, route } from '../http.ts';
import { assertNameFree, orNotFound } from '../lookup.ts';
import { httpUrl, idParams, nameString, printableString, recordOf, textString } from '../ids.ts';

const headerName = z.string().regex(/^[A-Za-z0-9-]{1,100}$/, 'must be an HTTP header name');
const fields = {
  name: nameString,
  url: httpUrl.optional(),
  transport: z.enum(MCP_TRANSPORTS),
  command: printableString(500).optional(),
  args: z.array(textString(1000)).max(100).optional(),
  headers: recordOf(headerName, textString(8000)).optional().describe('sent with every request (encrypted at rest; for stdio: environment variables)'),
  bearer: printableString(8000).optional().describe('sent as Authorization: Bearer (encrypted at rest)'),
  enabled: z.boolean().optional(),
};
/**
 * A registration, by transport: http transports need a `url`; `stdio` needs a `command`
 * from SWITCHBOARD_MCP_STDIO_COMMANDS (else 400 CONFIG_INVALID) and is absent from the schema when that list is empty.
 */
function createSchemaOf(stdioCommands: readonly string[]) {
  const { url, command, args, transport: _transport, ...common } = fields;
  const http = z.object({ ...common, transport: z.enum(['streamable-http', 'sse']), url: url.unwrap() });
  if (stdioCommands.length === 0) return http.describe('An MCP server to register (stdio is disabled: SWITCHBOARD_MCP_STDIO_COMMANDS is empty)');
  // Not an enum: a command outside the list answers CONFIG_INVALID, naming the setting.
  const stdio = z.object({ ...common, transport: z.literal('stdio'), command: command.unwrap().describe(`one of: ${stdioCommands.join(', ')}`), args });
  return z.discriminatedUnion('transport', [http, stdio]).describe('An MCP server to register');
}
const patchSchema = z
  .object({ ...fields, name: fields.name.optional(), transport: fields.transport.optional(), url: fields.url.nullable(), bearer: fields.bearer.nullable(), headers: fields.headers.nullable() })
  .partial()
  .meta({ id: 'UpdateMcpServer' });
const toolSchema = z
  .object({ name: z.string(), title: z.string().optional(), description: z.string().optional(), inputSchema: z.record(z.string(), z.unknown()) })
  .meta({ id: 'McpTool' });
const viewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    url: z.string().nullable(),
    transport: z.enum(MCP_TRANSPORTS),
    command: z.string().nullable(),
    args: z.array(z.string()).nullable(),
    secretFields: z.array(z.string()),
    enabled: z.boolean(),
    toolCount: z.number(),
    lastSyncedAt: z.string().nullable(),
    lastError: z.string().nullable(),
  })
  .meta({ id: 'McpServer' });

function view(row: McpServer): z.infer<typeof viewSchema> {
  return {
    id: row.id,
    name: row.name,
    url: row.url ?? null,
    transport: row.transport as (typeof MCP_TRANSPORTS)[number],
    command: row.command ?? null,
    args: row.args ?? null,
    secretFields: row.secretFields,
    enabled: row.enabled,
    toolCount: row.tools.length,
    lastSyncedAt: row.lastSyncedAt?.toISOString() ?? null,
    lastError: row.lastError ?? null,
  };
}

export function mcpServerRoutes(services: Services) {
  const clientOptions = () => ({ fetch: services.outbound.fetch, stdioCommands: services.config.mcpStdioCommands });
  // A URL the SSRF guard blocks is refused at registration (400 with the path), not at the first sync (502).
  const check = async (row: Pick<McpServer, 'transport' | 'url' | 'command'>) => {
    if (row.transport === 'stdio') {
      if (!row.command) throw new ApiError(400, 'INVALID_INPUT', 'stdio servers need a command');
      if (!services.config.mcpStdioCommands.includes(row.command)) {
        throw new ApiError(400, 'CONFIG_INVALID', `command ${row.command} is not in SWITCHBOARD_MCP_STDIO_COMMANDS`);
      }
    } else if (!row.url) throw new ApiError(400, 'INVALID_INPUT', `${row.transport} servers need a url`);
    else {
      await services.outbound.assertAllowed(row.url).catch((err: unknown) => {
        if (err instanceof ConnectorError) throw new ApiError(400, err.code, err.message, [{ path: 'url', message: err.message }]);
        throw err;
      });
    }
  };
  const load = async (em: ReturnType<Services['orm']['em']['fork']>, id: string) => orNotFound(await em.findOne(McpServer, { $or: [{ id }, { name: id }] }), `MCP server ${id}`);
  return [
    route({
      method: 'post',
      path: '/mcp-servers',
      summary: 'Register an MCP server',
      tags: ['mcp'],
      scope: 'connections:write',
      body: createSchemaOf(services.config.mcpStdioCommands),
      responses: { 201: { description: 'Registered', schema: z.object({ id: z.string() }) }, 409: { description: 'Name taken' } },
      links: { 201: linksToCreated('/mcp-servers/:id', 'Server', { update: true, more: { SyncServer: ['post', '/sync'], ListTools: ['get', '/tools'] } }) },
      handler: async ({ body: parsed }) => {
        const body = parsed as typeof parsed & { url?: string; command?: string; args?: string[] };
        const em = services.orm.em.fork();
        await assertNameFree(em, McpServer, body.name, 'an MCP server');
        await check({ transport: body.transport, url: body.url ?? null, command: body.command ?? null });
        await assertMasterKeyFits(services, em);
        const id = newId('mcp');
        em.create(McpServer, {
          id,
          name: body.name,
          url: body.url ?? null,
          transport: body.transport,
          command: body.command ?? null,
          args: body.args ?? null,
          ...sealMcpSecrets(services.keyring, id, { headers: body.headers, bearer: body.bearer }),
          enabled: body.enabled ?? true,
          tools: [],
          lastSyncedAt: null,
          lastError: null,
          createdAt: new Date(),
          updatedAt: new Date(),
        });
        await em.flush();
        return { status: 201, body: { id } };
      },
    }),
    listOf({
      path: '/mcp-servers',
      summary: 'List MCP servers (never their secrets)',
      tags: ['mcp'],
      scope: 'connections:read',
      listed: 'Servers',
      schema: viewSchema,
      load: async () => (await services.orm.em.fork().find(McpServer, {}, { orderBy: { createdAt: 'asc' } })).map(view),
    }),
    getOne({
      path: '/mcp-servers/:id',
      summary: 'Get an MCP server (by id or name)',
      tags: ['mcp'],
      scope: 'connections:read',
      params: idParams,
      noun: 'server',
      schema: viewSchema,
      load: async ({ id }) => view(await load(services.orm.em.fork(), id)),
    }),
    route({
      method: 'patch',
      path: '/mcp-servers/:id',
      summary: 'Update an MCP server; secrets given replace the stored ones, null removes them',
      tags: ['mcp'],
      scope: 'connections:write',
      params: idParams,
      body: patchSchema,
      responses: { 200: { description: 'Updated', schema: viewSchema }, 404: { description: 'No such server' }, 409: { description: 'Name taken' } },
      handler: async ({ params, body }) => {
        const em = services.orm.em.fork();
        const row = await load(em, params.id);
        await assertMasterKeyFits(services, em);
        if (body.name && body.name !== row.name) await assertNameFree(em, McpServer, body.name, 'an MCP server');
        if (body.name !== undefined) row.name = body.name;
        if (body.url !== undefined) row.url = body.url;
        if (body.transport !== undefined) row.transport = body.transport;
        if (body.command !== undefined) row.command = body.command;
        if (body.args !== undefined) row.args = body.args;
        if (body.enabled !== undefined) row.enabled = body.enabled;
        if (body.headers !== undefined || body.bearer !== undefined) {
          const current = openMcpSecrets(services.keyring, row);
          const next: McpSecrets = {
            headers: body.headers === undefined ? current.headers : (body.headers ?? undefined),
            bearer: body.bearer === undefined ? current.bearer : (body.bearer ?? undefined),
          };
          Object.assign(row, sealMcpSecrets(services.keyring, row.id, next));
        }
        await check(row);
        await em.flush();
        return { body: view(row) };
      },
    }),
    deleteOne({
      path: '/mcp-servers/:id',
      summary: 'Remove an MCP server registration',
      tags: ['mcp'],
      scope: 'connections:write',
      params: idParams,
      noun: 'server',
      done: 'Removed',
      remove: async ({ id }) => {
        const em = services.orm.em.fork();
        em.remove(await load(em, id));
        await em.flush();
      },
    }),
    route({
      method: 'post',
      path: '/mcp-servers/:id/sync',
      summary: 'List the server’s tools over MCP and store them',
      description: 'Stale tools are removed. A failure answers 502 and is kept in `lastError`; the previous tools stay.',
      tags: ['mcp'],
      scope: 'connections:write',
      params: idParams,
      responses: {
        200: { description: 'Synced', schema: z.object({ tools: z.array(toolSchema), lastSyncedAt: z.string() }) },
        404: { description: 'No such server' },
        502: { description: 'The server could not be reached or answered an error' },
      },
      handler: async ({ params }) => {
        const em = services.orm.em.fork();
        const row = await load(em, params.id);
        const result = await syncMcpServer(em, services.keyring, row, clientOptions());
        if (result.error) throw new ApiError(502, 'MCP_SYNC_FAILED', result.error);
        return { body: { tools: result.tools, lastSyncedAt: row.lastSyncedAt!.toISOString() } };
      },
    }),
    route({
      method: 'get',
      path: '/mcp-servers/:id/tools',
      summary: 'The tools stored by the last sync',
      tags: ['mcp'],
      scope: 'connections:read',
      params: idParams,
      responses: { 200: { description: 'Tools', schema: z.object({ items: z.array(toolSchema) }) }, 404: { description: 'No such server' } },
      handler: async ({ params }) => ({ body: { items: (await load(services.orm.em.fork(), params.id)).tools as McpTool[] } }),
    }),
  ];
}
