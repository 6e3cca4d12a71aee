/**
 * `mcpCallTool`: one MCP tool call as an activity. Arguments are validated against the
 * tool's stored input schema before anything is sent; the result lands in history.
 */
import type { Config } from '../src/config.ts';
import type { Orm } from '../src/db/orm.ts';
import { callMcpTool, type McpCallResult } from '../src/mcp/service.ts';
import type { Keyring } from '../src/security/crypto.ts';
import type { Outbound } from '../src/security/outbound.ts';
import { withActivityFailures } from './ai-failures.ts';

export interface McpCallToolInput {
  /** Registration id or name. */
  serverId: string;
  tool: string;
  args: Record<string, unknown>;
}

export function createMcpActivities(deps: { config: Config; orm: Orm; keyring: Keyring; outbound: Outbound }) {
  return {
    async mcpCallTool(input: McpCallToolInput): Promise<McpCallResult> {
      return withActivityFailures(`MCP tool ${input.tool}`, () =>
        callMcpTool(deps.orm.em.fork(), deps.keyring, input.serverId, input.tool, input.args ?? {}, {
          fetch: deps.outbound.fetch,
          stdioCommands: deps.config.mcpStdioCommands,
        }),
      );
    },
  };
}
