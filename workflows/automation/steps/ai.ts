/**
 * The AI step types of the interpreter — `llm`, `rag_retrieve`, `mcp_tool` — on the
 * executors of workflows/ai-steps.ts. Their fields are templated like any step's; the
 * calls get the step's retry/timeout and stable activity ids from the interpreter, and
 * every llm step of a run shares the run's token ledger (`budget.maxTokens`).
 */
import { patched } from '@temporalio/workflow';
import { LLM_RATE_LIMIT_QUEUE_PATCH } from '../../../src/temporal/constants.ts';
import { runLlmStep, runMcpToolStep, runRagRetrieveStep, type CallOptions, type LlmStep, type McpToolStep, type RagRetrieveStep } from '../../ai-steps.ts';
import type { StepExecutor, StepRuntime } from '../runtime.ts';
import type { ExtensionStep, Step } from '../types.ts';

export interface LlmStepDefinition extends ExtensionStep, LlmStep {
  type: 'llm';
}
export interface RagRetrieveStepDefinition extends ExtensionStep, RagRetrieveStep {
  type: 'rag_retrieve';
}
export interface McpToolStepDefinition extends ExtensionStep, McpToolStep {
  type: 'mcp_tool';
}

/** Fields the interpreter owns; they are not rendered as step input. */
const BASE_FIELDS = new Set(['id', 'type', 'name', 'when', 'retry', 'timeout', 'onError']);

/**
 * The step's own fields, templates rendered. `keep` fields pass as written: an llm
 * step's `output` is a JSON Schema, not a template.
 */
async function renderFields<T>(step: Step, rt: StepRuntime, keep: string[] = []): Promise<T> {
  const raw = step as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (BASE_FIELDS.has(k)) continue;
    out[k] = keep.includes(k) ? v : await rt.render(v);
  }
  return out as T;
}

/** Activity options of each call: the step's policy, a summary naming the step, a stable id. */
function callOptions(step: Step, rt: StepRuntime): CallOptions {
  return (_kind, summary, suffix, connection) => {
    const options = rt.activityOptions(step, `${step.id}: ${summary}`, suffix);
    // A rate-limited connection's model and tool calls go to its queue, as its actions do
    // (only runs whose input routes the connection reach patched()).
    const queues = rt.actionQueues();
    const queue = connection !== undefined && Object.hasOwn(queues, connection) && patched(LLM_RATE_LIMIT_QUEUE_PATCH) ? queues[connection] : undefined;
    return queue ? { ...options, taskQueue: queue } : options;
  };
}

export const llmStep: StepExecutor<LlmStepDefinition> = {
  async run(step, rt) {
    const rendered = await renderFields<LlmStep>(step, rt, ['output']);
    return runLlmStep(rendered, rt.tokens, callOptions(step, rt));
  },
};

export const ragRetrieveStep: StepExecutor<RagRetrieveStepDefinition> = {
  async run(step, rt) {
    const rendered = await renderFields<RagRetrieveStep>(step, rt);
    return runRagRetrieveStep({ ...rendered, index: String(rendered.index), query: String(rendered.query) }, callOptions(step, rt));
  },
};

export const mcpToolStep: StepExecutor<McpToolStepDefinition> = {
  async run(step, rt) {
    const rendered = await renderFields<McpToolStep>(step, rt);
    return runMcpToolStep({ ...rendered, server: String(rendered.server) }, callOptions(step, rt));
  },
};
