/**
 * MCP server registrations: secrets sealed per row, tool sync over the real protocol,
 * and tool calls with arguments validated against the tool's input schema first.
 */
import type { EntityManager } from '@mikro-orm/core';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import { ConnectorError } from '../../connectors/sdk/errors.ts';
import type { McpCallResult } from '../../connectors/sdk/llm-contracts.ts';
import { toConnectorError } from '../../connectors/sdk/provider-errors.ts';
import { McpServer } from '../db/entities/index.ts';
import type { Keyring } from '../security/crypto.ts';
import { listMcpTools, withMcpClient, type McpClientOptions, type McpSecrets, type McpTool, type McpTransport } from './client.ts';

const validators = new AjvJsonSchemaValidator();

export function sealMcpSecrets(keyring: Keyring, id: string, secrets: McpSecrets): { secrets: string | null; secretFields: string[] } {
  const fields: string[] = [];
  if (secrets.bearer) fields.push('bearer');
  for (const h of Object.keys(secrets.headers ?? {})) fields.push(`headers.${h}`);
  if (fields.length === 0) return { secrets: null, secretFields: [] };
  return { secrets: keyring.encrypt(secrets, `mcp-server:${id}`), secretFields: fields.sort() };
}

export function openMcpSecrets(keyring: Keyring, row: Pick<McpServer, 'id' | 'secrets'>): McpSecrets {
  return row.secrets ? keyring.decrypt<McpSecrets>(row.secrets, `mcp-server:${row.id}`) : {};
}

function target(row: McpServer) {
  return { name: row.name, transport: row.transport as McpTransport, url: row.url, command: row.command, args: row.args };
}

/**
 * Lists the server's tools and stores them: stale tools disappear, `lastSyncedAt` is
 * set; a failure is recorded in `lastError` (and the stored tools are kept).
 */
export async function syncMcpServer(em: EntityManager, keyring: Keyring, row: McpServer, opts: McpClientOptions): Promise<{ tools: McpTool[]; error?: string }> {
  try {
    const tools = await withMcpClient(target(row), openMcpSecrets(keyring, row), opts, (c) => listMcpTools(c, opts.timeoutMs));
    row.tools = tools;
    row.lastSyncedAt = new Date();
    row.lastError = null;
    await em.flush();
    return { tools };
  } catch (err) {
    const e = toConnectorError(err, `MCP server ${row.name}`);
    row.lastError = `${e.code}: ${e.message}`;
    await em.flush();
    return { tools: row.tools as McpTool[], error: row.lastError };
  }
}

export type { McpCallResult };

/** Validates `args` against the stored input schema; INVALID_INPUT with the reasons. */
export function validateToolArgs(tool: McpTool, args: unknown): void {
  const check = validators.getValidator(tool.inputSchema as never)(args);
  if (!check.valid) throw new ConnectorError('INVALID_INPUT', `arguments of MCP tool ${tool.name} are invalid: ${check.errorMessage}`);
}

/** Calls a tool of a registered server (by id or name). */
export async function callMcpTool(
  em: EntityManager,
  keyring: Keyring,
  serverIdOrName: string,
  toolName: string,
  args: Record<string, unknown>,
  opts: McpClientOptions,
): Promise<McpCallResult> {
  const row = await em.findOne(McpServer, { $or: [{ id: serverIdOrName }, { name: serverIdOrName }] });
  if (!row) throw new ConnectorError('NOT_FOUND', `MCP server ${serverIdOrName} not found`);
  if (!row.enabled) throw new ConnectorError('CONFIG_INVALID', `MCP server ${row.name} is disabled`);
  const tool = (row.tools as McpTool[]).find((t) => t.name === toolName);
  if (!tool) throw new ConnectorError('NOT_FOUND', `MCP server ${row.name} has no tool ${toolName} (sync it first)`);
  validateToolArgs(tool, args);
  try {
    const result = await withMcpClient(target(row), openMcpSecrets(keyring, row), opts, (c) =>
      c.callTool({ name: toolName, arguments: args }, undefined, { timeout: opts.timeoutMs ?? 60_000 }),
    );
    return {
      server: row.id,
      tool: toolName,
      isError: Boolean(result.isError),
      content: (result.content as unknown[] | undefined) ?? [],
      ...(result.structuredContent !== undefined ? { structuredContent: result.structuredContent } : {}),
    };
  } catch (err) {
    throw toConnectorError(err, `MCP server ${row.name}`);
  }
}
