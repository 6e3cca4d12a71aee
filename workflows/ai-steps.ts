/**
 * Workflow-side executors of the AI steps — `llm`, `rag_retrieve`, `mcp_tool` — for the
 * automation interpreter's step registry. Every side effect is an activity, so a replay
 * never calls a model twice; budgets are checked here, before a call is scheduled.
 */
import { ActivityFailure, ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { ActivityOptions } from '@temporalio/workflow';
import type { Activities } from '../activities/index.ts';
import type { LlmToolRef } from '../activities/llm.ts';
import { estimateTokens, newTokenLedger, type TokenLedger } from '../connectors/sdk/llm-contracts.ts';
import type { LlmMessage, LlmUsage, McpCallResult } from '../connectors/sdk/llm-contracts.ts';
import { AI_TOOL_ACTIVITY_OPTIONS, CONNECTOR_ACTION_ACTIVITY_OPTIONS, LLM_ACTIVITY_OPTIONS } from './activity-options.ts';

const { llmCall } = proxyActivities<Activities>(LLM_ACTIVITY_OPTIONS);
const { ragRetrieve, mcpCallTool } = proxyActivities<Activities>(AI_TOOL_ACTIVITY_OPTIONS);
const { runConnectorAction } = proxyActivities<Activities>(CONNECTOR_ACTION_ACTIVITY_OPTIONS);

export { newTokenLedger, type TokenLedger };

/**
 * Activity options of one call of a step. The automation interpreter passes its own
 * (the step's retry/timeout, a stable activity id per call); standalone use gets the
 * defaults of `activity-options.ts`. `suffix` tells calls of one step apart (tool rounds, tool calls).
 */
export type CallOptions = (kind: 'llm' | 'tool' | 'action', summary: string, suffix?: string, connection?: string) => ActivityOptions;

const defaultCallOptions: CallOptions = (kind, summary) => ({
  ...(kind === 'llm' ? LLM_ACTIVITY_OPTIONS : kind === 'tool' ? AI_TOOL_ACTIVITY_OPTIONS : CONNECTOR_ACTION_ACTIVITY_OPTIONS),
  summary,
});

const tokens = (u: LlmUsage): number => u.inputTokens + u.outputTokens;

export interface LlmStep {
  connection: string;
  model?: string | undefined;
  system?: string | undefined;
  prompt?: string | undefined;
  messages?: LlmMessage[] | undefined;
  output?: Record<string, unknown> | undefined;
  maxTokens?: number | undefined;
  temperature?: number | undefined;
  tools?: LlmToolRef[] | undefined;
  /** Model ↔ tool round trips allowed (default 5). */
  maxToolRounds?: number | undefined;
  budget?: { maxTokens: number } | undefined;
}

export interface LlmStepResult {
  text?: string | undefined;
  object?: unknown;
  usage: LlmUsage;
  model: string;
  finishReason: string;
  toolCalls: { name: string; ok: boolean }[];
  rounds: number;
}

function budgetFailure(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: 'BUDGET_EXCEEDED', message, nonRetryable: true });
}

/** Fails with BUDGET_EXCEEDED when the next call's estimate would cross a budget. */
function checkBudget(ledger: TokenLedger, step: LlmStep, stepUsage: LlmUsage, estimate: number): void {
  const runUsed = ledger.usage.inputTokens + ledger.usage.outputTokens;
  if (ledger.budget && runUsed + estimate > ledger.budget.maxTokens) {
    throw budgetFailure(`token budget of the run is ${ledger.budget.maxTokens}; ${runUsed} used, the next call needs about ${estimate}`);
  }
  const stepUsed = stepUsage.inputTokens + stepUsage.outputTokens;
  if (step.budget && stepUsed + estimate > step.budget.maxTokens) {
    throw budgetFailure(`token budget of the step is ${step.budget.maxTokens}; ${stepUsed} used, the next call needs about ${estimate}`);
  }
}

/** Runs an `llm` step (inputs already templated), with tool rounds and budgets. */
export async function runLlmStep(step: LlmStep, ledger: TokenLedger, options: CallOptions = defaultCallOptions): Promise<LlmStepResult> {
  const messages: LlmMessage[] = step.messages ? [...step.messages] : [{ role: 'user', content: step.prompt ?? '' }];
  const usage: LlmUsage = { inputTokens: 0, outputTokens: 0 };
  const toolCalls: LlmStepResult['toolCalls'] = [];
  const maxRounds = step.maxToolRounds ?? 5;
  for (let round = 0; ; round++) {
    const offerTools = step.tools?.length && round < maxRounds ? step.tools : undefined;
    const estimate = estimateTokens({ system: step.system, messages, output: step.output }) + (offerTools ? 200 * offerTools.length : 0);
    checkBudget(ledger, step, usage, estimate);
    // Summaries show what the call may use and what the run has used so far (Temporal UI).
    const budgetNote = ledger.budget ? `/${ledger.budget.maxTokens}` : '';
    const summary = `llm ${step.model ? `${step.model} ` : ''}via ${step.connection}${round ? ` (round ${round + 1})` : ''}: ~${estimate} tokens in; run used ${tokens(ledger.usage)}${budgetNote} tokens`;
    const res = await llmCall.executeWithOptions(options('llm', summary, round ? `round${round + 1}` : undefined, step.connection), [
      {
        connection: step.connection,
        model: step.model,
        system: step.system,
        messages,
        output: step.output,
        maxTokens: step.maxTokens,
        temperature: step.temperature,
        tools: offerTools,
      },
    ]);
    usage.inputTokens += res.usage.inputTokens;
    usage.outputTokens += res.usage.outputTokens;
    ledger.usage.inputTokens += res.usage.inputTokens;
    ledger.usage.outputTokens += res.usage.outputTokens;
    if (!res.toolCalls?.length) {
      return { text: res.text, object: res.object, usage, model: res.model, finishReason: res.finishReason, toolCalls, rounds: round + 1 };
    }
    messages.push({ role: 'assistant', content: res.text ?? '', toolCalls: res.toolCalls.map(({ ref: _ref, ...c }) => c) });
    for (const [i, call] of res.toolCalls.entries()) {
      const suffix = `round${round + 1}.tool${i + 1}`;
      let content: string;
      let ok: boolean;
      try {
        const out =
          'action' in call.ref
            ? await runConnectorAction.executeWithOptions(options('action', `tool ${call.name}`, suffix, call.ref.connection), [
                { connectionId: call.ref.connection, action: call.ref.action, input: call.arguments },
              ])
            : await mcpCallTool.executeWithOptions(options('tool', `tool ${call.name}`, suffix), [
                { serverId: call.ref.mcpServer, tool: call.ref.tool, args: call.arguments },
              ]);
        content = JSON.stringify(out);
        ok = !(out as Partial<McpCallResult>)?.isError;
      } catch (err) {
        if (!(err instanceof ActivityFailure)) throw err;
        ok = false;
        // The model sees the failure and may recover; the history keeps the details.
        content = JSON.stringify({ error: err.cause instanceof ApplicationFailure ? { type: err.cause.type, message: err.cause.message } : { message: err.message } });
      }
      toolCalls.push({ name: call.name, ok });
      messages.push({ role: 'tool', toolCallId: call.id, name: call.name, content });
    }
  }
}

export interface RagRetrieveStep {
  index: string;
  query: string;
  topK?: number | undefined;
  filter?: Record<string, string | number | boolean> | undefined;
}

/** Runs a `rag_retrieve` step; chunk ids and scores are recorded in history. */
export async function runRagRetrieveStep(step: RagRetrieveStep, options: CallOptions = defaultCallOptions) {
  return ragRetrieve.executeWithOptions(options('tool', `retrieve ${step.topK ?? 5} from ${step.index}`), [step]);
}

export interface McpToolStep {
  server: string;
  tool: string;
  args?: Record<string, unknown> | undefined;
}

/** Runs an `mcp_tool` step. */
export async function runMcpToolStep(step: McpToolStep, options: CallOptions = defaultCallOptions) {
  return mcpCallTool.executeWithOptions(options('tool', `mcp ${step.server}/${step.tool}`), [{ serverId: step.server, tool: step.tool, args: step.args ?? {} }]);
}
