/**
 * `foreachBatchWorkflow`: one batch of a long `foreach` loop, a child workflow of the run
 * (steps/foreach.ts starts them, one after the other). It re-creates the loop's scope —
 * outer step outputs, enclosing loop variables, activity-id prefix — so its iterations
 * render and are identified exactly as they would be in the run, and answers the
 * `loopIterations` query for its items.
 */
import { setHandler, workflowInfo } from '@temporalio/workflow';
import { declareVersioningBehavior } from '../versioning.ts';
import { ApprovalLedger } from './approvals.ts';
import { loopIterationsQuery } from './definitions.ts';
import { idMap, Interpreter } from './interpreter.ts';
import { loopIterations } from './loop-iterations.ts';
import { addBatchUsage, assertLoopOutputSize, enableFastPaths, runIterations, usageSince, type ForeachBatchInput, type ForeachBatchResult } from './steps/foreach.ts';

/**
 * Versioned workers: PINNED, like the run that starts it (its commands are the
 * interpreter's, which change from release to release).
 */
export async function foreachBatchWorkflow(input: ForeachBatchInput): Promise<ForeachBatchResult> {
  const { step, context } = input;
  const { input: runInput, trigger, steps, run, ...locals } = context;
  const maxTokens = input.tokens?.budget?.maxTokens;
  const definition = { name: step.id, trigger: { type: 'manual' as const }, steps: [step], ...(maxTokens !== undefined ? { budget: { maxTokens } } : {}) };
  const it = new Interpreter(definition, { input: runInput, trigger, run }, new ApprovalLedger(new Set()), workflowInfo().workflowId);
  // The run's usage so far: the batch's llm and agent steps check the run's budget against it.
  if (input.tokens) addBatchUsage(it.tokens.usage, input.tokens.usage);
  it.outputs = idMap(steps as Record<string, { output?: unknown }>);
  if (input.actionQueues) it.actionQueues = input.actionQueues;
  setHandler(loopIterationsQuery, (args) => loopIterations(it, args));
  const scope = it.enclosingScope(input.scopePath, locals, { [step.id]: input.visit });
  enableFastPaths(scope.runtime);
  const result = await runIterations(step, input.items, input.offset, scope.runtime);
  assertLoopOutputSize(step, result.items);
  return input.tokens ? { ...result, usage: usageSince(it.tokens, input.tokens.usage) } : result;
}

declareVersioningBehavior('PINNED', foreachBatchWorkflow);
