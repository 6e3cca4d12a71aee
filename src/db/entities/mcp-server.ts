import { defineEntity, p } from '@mikro-orm/core';

/** An MCP server registration; `headers` (bearer tokens and the like) are encrypted. */
export const McpServerSchema = defineEntity({
  name: 'McpServer',
  tableName: 'mcp_servers',
  properties: {
    id: p.string().primary(),
    name: p.string().unique(),
    url: p.string().nullable(),
    transport: p.string(),
    command: p.string().nullable(),
    args: p.json<string[]>().nullable(),
    /** Encrypted envelope of `{ headers, bearer }`. */
    secrets: p.text().nullable(),
    secretFields: p.json<string[]>(),
    enabled: p.boolean().default(true),
    tools: p.json<unknown[]>(),
    lastSyncedAt: p.datetime().nullable(),
    lastError: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export class McpServer extends McpServerSchema.class {}
McpServerSchema.setClass(McpServer);
