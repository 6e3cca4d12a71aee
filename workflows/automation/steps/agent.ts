/**
 * The `agent` step of the interpreter on the loop of workflows/agent/run.ts. Its text
 * fields are templated like any step's; `tools` and `output` pass as written (a tool's
 * arguments come from the model, an output is a JSON Schema).
 */
import { runAgent, type AgentStep } from '../../agent/run.ts';
import type { StepExecutor } from '../runtime.ts';
import type { ExtensionStep } from '../types.ts';

export interface AgentStepDefinition extends ExtensionStep, AgentStep {
  type: 'agent';
}

const text = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v ?? ''));

export const agentStep: StepExecutor<AgentStepDefinition> = {
  async run(step, rt) {
    const rendered: AgentStep = {
      connection: text(await rt.render(step.connection)),
      prompt: text(await rt.render(step.prompt)),
      ...(step.model !== undefined ? { model: text(await rt.render(step.model)) } : {}),
      ...(step.system !== undefined ? { system: text(await rt.render(step.system)) } : {}),
      ...(step.memory ? { memory: { thread: text(await rt.render(step.memory.thread)), maxTokens: step.memory.maxTokens, ...(step.memory.summarize ? { summarize: step.memory.summarize } : {}) } } : {}),
      tools: step.tools,
      maxRounds: step.maxRounds,
      output: step.output,
      maxTokens: step.maxTokens,
      temperature: step.temperature,
      budget: step.budget,
    };
    return runAgent(step, rendered, rt);
  },
};
