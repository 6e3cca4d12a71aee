/**
 * `llmCall`: one model call of the `llm` step. Loads the connection (secrets stay in
 * the activity), resolves the step's tools (connector actions and MCP tools) to JSON
 * Schemas, and maps the model's tool calls back to what the workflow runs next.
 */
import { cancellationSignal } from '@temporalio/activity';
import { toJsonSchema, type ConnectorRegistry } from '../connectors/registry.ts';
import { ConnectorError } from '../connectors/sdk/errors.ts';
import { runLlm } from '../src/ai/llm/run.ts';
import type { LlmMessage, LlmResponse, LlmToolCall, LlmToolSpec } from '../connectors/sdk/llm-contracts.ts';
import type { Config } from '../src/config.ts';
import { loadConnection } from '../src/connections/store.ts';
import { llmTokens } from '../src/metrics/metrics.ts';
import { McpServer } from '../src/db/entities/index.ts';
import type { Orm } from '../src/db/orm.ts';
import type { McpTool } from '../src/mcp/client.ts';
import type { Keyring } from '../src/security/crypto.ts';
import type { Outbound } from '../src/security/outbound.ts';
import { withActivityFailures } from './ai-failures.ts';

/** A tool an `llm` step offers the model: a connector action or an MCP tool. */
export type LlmToolRef = { connection: string; action: string } | { mcpServer: string; tool: string };

export interface LlmCallInput {
  connection: string;
  model?: string | undefined;
  system?: string | undefined;
  messages: LlmMessage[];
  output?: Record<string, unknown> | undefined;
  maxTokens?: number | undefined;
  temperature?: number | undefined;
  tools?: LlmToolRef[] | undefined;
}

export interface LlmCallOutput extends Omit<LlmResponse, 'toolCalls'> {
  toolCalls?: (LlmToolCall & { ref: LlmToolRef })[] | undefined;
}

const toolName = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);

/** Adds one call's reported usage to `switchboard_llm_tokens_total` of its connection. */
function recordLlmUsage(connection: string, usage: { inputTokens: number; outputTokens: number } | undefined): void {
  if (!usage) return;
  llmTokens.inc({ connection, kind: 'input' }, usage.inputTokens);
  llmTokens.inc({ connection, kind: 'output' }, usage.outputTokens);
}

export function createLlmActivities(deps: { config: Config; orm: Orm; keyring: Keyring; connectors: ConnectorRegistry; outbound: Outbound }) {
  async function resolveTools(refs: LlmToolRef[]): Promise<{ specs: LlmToolSpec[]; byName: Map<string, LlmToolRef> }> {
    const em = deps.orm.em.fork();
    const specs: LlmToolSpec[] = [];
    const byName = new Map<string, LlmToolRef>();
    for (const ref of refs) {
      if ('action' in ref) {
        const conn = await loadConnection(em, deps.keyring, ref.connection, { byName: true });
        const action = conn && deps.connectors.get(conn.connector)?.actions[ref.action];
        if (!conn || !action) throw new ConnectorError('CONFIG_INVALID', `tool ${ref.connection}/${ref.action}: no such connection or action`);
        const name = toolName(`${conn.connector}_${ref.action}`);
        specs.push({ name, description: action.description, parameters: toJsonSchema(action.input, 'input') as Record<string, unknown> });
        byName.set(name, ref);
      } else {
        const row = await em.findOne(McpServer, { $or: [{ id: ref.mcpServer }, { name: ref.mcpServer }] });
        const tool = (row?.tools as McpTool[] | undefined)?.find((t) => t.name === ref.tool);
        if (!row || !tool) throw new ConnectorError('CONFIG_INVALID', `tool ${ref.mcpServer}/${ref.tool}: no such MCP server or tool (sync the server)`);
        const name = toolName(`mcp_${row.name}_${tool.name}`);
        specs.push({ name, description: tool.description ?? tool.title ?? tool.name, parameters: tool.inputSchema });
        byName.set(name, ref);
      }
    }
    return { specs, byName };
  }

  return {
    async llmCall(input: LlmCallInput): Promise<LlmCallOutput> {
      return withActivityFailures('llm', async () => {
        const { specs, byName } = await resolveTools(input.tools ?? []);
        const { connection: _id, tools: _refs, ...request } = input;
        const res = await runLlm(deps, deps.orm.em.fork(), input.connection, { ...request, tools: specs.length ? specs : undefined }, cancellationSignal());
        recordLlmUsage(input.connection, res.usage);
        const toolCalls = res.toolCalls?.map((c) => {
          const ref = byName.get(c.name);
          if (!ref) throw new ConnectorError('UPSTREAM_5XX', `model called unknown tool ${c.name}`);
          return { ...c, ref };
        });
        const { toolCalls: _raw, ...rest } = res;
        return { ...rest, ...(toolCalls ? { toolCalls } : {}) };
      });
    },
  };
}
