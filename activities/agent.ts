/**
 * Activities of the `agent` step (workflows/agent/run.ts): `agentModelCall` — one model
 * call with the step's allow-listed tools resolved to JSON Schemas, each tool call of the
 * answer checked against its tool (unknown tools and bad arguments come back marked
 * `invalid`, for the model to see), and the call priced — and the thread memory
 * (`loadAgentThread`, `saveAgentThread`).
 */
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import { cancellationSignal } from '@temporalio/activity';
import { toJsonSchema, type ConnectorRegistry } from '../connectors/registry.ts';
import { ConnectorError } from '../connectors/sdk/errors.ts';
import { costOf, priceOf, type LlmPricing, type ModelPrice } from '../connectors/sdk/llm-pricing.ts';
import { runLlm } from '../src/ai/llm/run.ts';
import type { LlmToolSpec } from '../connectors/sdk/llm-contracts.ts';
import type { Config } from '../src/config.ts';
import { findConnectionByRef } from '../src/connections/store.ts';
import { Automation, AutomationVersion, McpServer, RagIndex } from '../src/db/entities/index.ts';
import type { Orm } from '../src/db/orm.ts';
import type { McpTool } from '../src/mcp/client.ts';
import { llmCost, llmTokens } from '../src/metrics/metrics.ts';
import type { Keyring } from '../src/security/crypto.ts';
import type { Outbound } from '../src/security/outbound.ts';
import type { AgentModelCallInput, AgentModelCallOutput, AgentToolCall, AgentToolRef } from '../workflows/agent/contracts.ts';
import { withActivityFailures } from './ai-failures.ts';
import { createAgentThreadActivities } from './agent-threads.ts';

const validators = new AjvJsonSchemaValidator();
const toolName = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);

/** A resolved tool: what the model is offered and how its arguments are checked. */
interface ResolvedTool {
  spec: LlmToolSpec;
  check(args: unknown): string | undefined;
}

const jsonSchemaCheck = (schema: Record<string, unknown>) => {
  const validate = validators.getValidator(schema as never);
  return (args: unknown) => {
    const r = validate(args);
    return r.valid ? undefined : r.errorMessage;
  };
};

const RAG_PARAMETERS = {
  type: 'object',
  properties: { query: { type: 'string', minLength: 1, description: 'what to look for' }, topK: { type: 'integer', minimum: 1, maximum: 50 } },
  required: ['query'],
  additionalProperties: false,
};

type AgentDeps = { config: Config; orm: Orm; keyring: Keyring; connectors: ConnectorRegistry; outbound: Outbound };

export function createAgentActivities(deps: AgentDeps) {
  async function resolveTool(ref: AgentToolRef): Promise<ResolvedTool> {
    const em = deps.orm.em.fork();
    if ('action' in ref) {
      const conn = await findConnectionByRef(em, ref.connection);
      const action = conn && deps.connectors.get(conn.connector)?.actions[ref.action];
      if (!conn || !action) throw new ConnectorError('CONFIG_INVALID', `tool ${ref.connection}/${ref.action}: no such connection or action`);
      return {
        spec: { name: toolName(`${conn.connector}_${ref.action}`), description: ref.description ?? action.description, parameters: toJsonSchema(action.input, 'input') as Record<string, unknown> },
        check: (args) => {
          const r = action.input.safeParse(args);
          return r.success ? undefined : r.error.issues.map((i) => `${i.path.join('.') || '(arguments)'}: ${i.message}`).join('; ');
        },
      };
    }
    if ('mcpServer' in ref) {
      const row = await em.findOne(McpServer, { $or: [{ id: ref.mcpServer }, { name: ref.mcpServer }] });
      const tool = (row?.tools as McpTool[] | undefined)?.find((t) => t.name === ref.tool);
      if (!row || !tool) throw new ConnectorError('CONFIG_INVALID', `tool ${ref.mcpServer}/${ref.tool}: no such MCP server or tool (sync the server)`);
      return { spec: { name: toolName(`mcp_${row.name}_${tool.name}`), description: ref.description ?? tool.description ?? tool.title ?? tool.name, parameters: tool.inputSchema }, check: jsonSchemaCheck(tool.inputSchema) };
    }
    if ('rag' in ref) {
      const index = await em.findOne(RagIndex, { $or: [{ id: ref.rag }, { name: ref.rag }] });
      if (!index) throw new ConnectorError('CONFIG_INVALID', `tool rag ${ref.rag}: no such RAG index`);
      return {
        spec: { name: toolName(`rag_${index.name}`), description: ref.description ?? `Search the knowledge base "${index.name}": the passages nearest in meaning to the query`, parameters: RAG_PARAMETERS },
        check: jsonSchemaCheck(RAG_PARAMETERS),
      };
    }
    const automation = await em.findOne(Automation, { id: ref.automation, deletedAt: null });
    if (!automation) throw new ConnectorError('CONFIG_INVALID', `tool automation ${ref.automation}: no such automation`);
    const version = await em.findOne(AutomationVersion, { automationId: automation.id, version: automation.currentVersion });
    const input = (version?.definition['input'] as Record<string, unknown> | undefined) ?? { type: 'object' };
    return {
      spec: { name: toolName(`automation_${automation.name}`), description: ref.description ?? automation.description ?? `Run the automation "${automation.name}"`, parameters: input },
      check: jsonSchemaCheck(input),
    };
  }

  /** Checks one tool call of the model: offered, under its schema. */
  function checkCall(call: { id: string; name: string; arguments: Record<string, unknown> }, resolved: ResolvedTool[], offered: boolean): AgentToolCall {
    const tool = offered ? resolved.findIndex((t) => t.spec.name === call.name) : -1;
    if (tool < 0) {
      return { ...call, invalid: `unknown tool "${call.name}"${offered ? `; the tools are: ${resolved.map((t) => t.spec.name).join(', ')}` : '; no tools may be called now: answer'}` };
    }
    const problem = resolved[tool]!.check(call.arguments);
    return { ...call, tool, ...(problem ? { invalid: `arguments do not match the schema of ${call.name}: ${problem}` } : {}) };
  }

  return {
    async agentModelCall(input: AgentModelCallInput): Promise<AgentModelCallOutput> {
      return withActivityFailures('agent model call', async () => {
        const resolved = await Promise.all(input.tools.map(resolveTool));
        const conn = await findConnectionByRef(deps.orm.em.fork(), input.connection);
        if (!conn) throw new ConnectorError('CONFIG_INVALID', `connection ${input.connection} does not exist`);
        const offer = input.offerTools && resolved.length > 0;
        const { connection: _c, tools: _t, offerTools: _o, ...request } = input;
        let outputError: string | undefined;
        const res = await runLlm(deps, deps.orm.em.fork(), input.connection, { ...request, tools: offer ? resolved.map((t) => t.spec) : undefined }, cancellationSignal()).catch(
          (err: unknown) => {
            // A final answer that misses the output schema goes back to the workflow for its repair round.
            if (input.output && err instanceof ConnectorError && /output schema/.test(err.message)) {
              outputError = err.message;
              return undefined;
            }
            throw err;
          },
        );
        if (!res) return { outputError, toolCalls: [], usage: { inputTokens: 0, outputTokens: 0 }, model: input.model ?? '', finishReason: 'output_invalid' };
        const config = conn.config as { pricing?: LlmPricing; model?: string };
        const price: ModelPrice | undefined = priceOf(conn.connector, res.model, config.pricing) ?? (input.model ? priceOf(conn.connector, input.model, config.pricing) : undefined);
        const cost = price ? costOf(price, res.usage) : undefined;
        llmTokens.inc({ connection: input.connection, kind: 'input' }, res.usage.inputTokens);
        llmTokens.inc({ connection: input.connection, kind: 'output' }, res.usage.outputTokens);
        if (cost !== undefined) llmCost.inc({ connection: input.connection, model: res.model }, cost);
        return {
          ...(res.text !== undefined ? { text: res.text } : {}),
          ...(res.object !== undefined ? { object: res.object } : {}),
          toolCalls: (res.toolCalls ?? []).map((c) => checkCall(c, resolved, offer)),
          usage: { ...res.usage, ...(price ? { cost, currency: price.currency } : {}) },
          model: res.model,
          finishReason: res.finishReason,
          ...(price ? { price } : {}),
        };
      });
    },
    ...createAgentThreadActivities(deps),
  };
}
