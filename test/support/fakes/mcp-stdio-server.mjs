// A stdio MCP server for tests (official SDK): one tool, `whoami`, answering with an env variable.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const server = new McpServer({ name: 'stdio-fake', version: '1.0.0' });
server.registerTool('whoami', { description: 'Names the team', inputSchema: { greeting: z.string() } }, async ({ greeting }) => ({
  content: [{ type: 'text', text: `${greeting}, ${process.env.TEAM ?? 'nobody'}` }],
}));
await server.connect(new StdioServerTransport());
