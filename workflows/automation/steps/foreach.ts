/**
 * `foreach`: runs a body of steps once per item (docs/concepts/loops.md). Each iteration is
 * a scope of its own (interpreter.ts `openIteration`): loop variables, its own step outputs
 * and states, activity ids `<loop>[<i>].<step>` (so connector idempotency keys differ per
 * item and stay the same across retries, replays and worker restarts). A deterministic
 * pool of `concurrency` workers takes items in input order.
 *
 * Scale: a loop over more items than one execution should hold runs them in child
 * workflows (`foreachBatchWorkflow`, ../foreach-batch.ts), one batch after the other, so
 * no execution's history grows with the number of items.
 */
import { ApplicationFailure, executeChild, isCancellation, patched } from '@temporalio/workflow';
import type { LlmUsage, TokenLedger } from '../../../connectors/sdk/llm-contracts.ts';
import { FOREACH_BATCH_TOKENS_PATCH, FOREACH_FAST_PATHS_PATCH, WORKFLOW_TYPES } from '../../../src/temporal/constants.ts';
import { StepFailed, toStepError } from '../../errors.ts';
import { MAX_STEP_OUTPUT_BYTES } from '../definitions.ts';
import type { StepExecutor, StepRuntime } from '../runtime.ts';
import { contextPathsUsed, NOT_PLAIN, type TemplateContext } from '../template.ts';
import type { ForeachStep, LoopItemError, LoopOutput, LoopProgress } from '../types.ts';

/** History events one execution may spend on a loop's items (Temporal warns at 10,240; the goal is < 10,000). */
const EVENTS_PER_EXECUTION = 6_000;
/** Events an item costs per body step at most: an activity's scheduled/started/completed plus a workflow task's three. */
const EVENTS_PER_BODY_STEP = 6;
/** Upper bound of items per execution (keeps batch inputs and results small). */
const MAX_ITEMS_PER_EXECUTION = 1_000;
/**
 * Upper bound for a body of steps that issue no command (only these types): it runs a whole
 * batch in one workflow task, which must end within Temporal's 5 s (templates cost ~0.2–1 ms
 * per JSONata node inside the workflow sandbox, see template.ts TEMPLATE_BUDGET).
 */
const MAX_ITEMS_PER_TASK_BOUND_EXECUTION = 100;
const TASK_BOUND_TYPES: ReadonlySet<string> = new Set(['transform', 'condition', 'branch', 'parallel', 'foreach']);
/** Batches of one loop running at once: more would queue their workflow tasks on the same workers. */
const MAX_BATCHES_AT_ONCE = 2;

/** Input of `foreachBatchWorkflow`: one batch of a loop's items and the scope it runs in. */
export interface ForeachBatchInput {
  step: ForeachStep;
  items: unknown[];
  /** Index of `items[0]` in the whole loop. */
  offset: number;
  /** The template context of the loop's scope (outer step outputs, loop variables of enclosing loops). */
  context: TemplateContext;
  /** Activity-id prefix of the loop's scope, and the loop step's visit (goto) number. */
  scopePath: string;
  visit: number;
  actionQueues?: Readonly<Record<string, string>> | undefined;
  /**
   * The run's token budget and its usage when the batch starts (FOREACH_BATCH_TOKENS_PATCH):
   * llm and agent steps of the batch check the run's budget against it.
   */
  tokens?: { budget?: { maxTokens: number } | undefined; usage: BatchUsage } | undefined;
}

/** Token usage (and an agent's cost) as the run's ledger keeps it. */
export type BatchUsage = LlmUsage & { cost?: number | undefined; currency?: string | undefined };

export interface ForeachBatchResult {
  items: unknown[];
  errors: LoopItemError[];
  /** Tokens the batch's steps used (batches started with `tokens`). */
  usage?: BatchUsage | undefined;
}

/** Adds `add` to a ledger's usage (tokens, and cost when an agent step reported one). */
export function addBatchUsage(into: BatchUsage, add: BatchUsage): void {
  into.inputTokens += add.inputTokens;
  into.outputTokens += add.outputTokens;
  if (add.cost !== undefined) {
    into.cost = Math.round(((into.cost ?? 0) + add.cost) * 1e6) / 1e6;
    into.currency = add.currency;
  }
}

/** What a batch used: its ledger's usage now, less the usage it started with. */
export function usageSince(ledger: TokenLedger, start: BatchUsage): BatchUsage {
  const now = ledger.usage as BatchUsage;
  const cost = now.cost !== undefined ? Math.round((now.cost - (start.cost ?? 0)) * 1e6) / 1e6 : undefined;
  return {
    inputTokens: now.inputTokens - start.inputTokens,
    outputTokens: now.outputTokens - start.outputTokens,
    ...(cost ? { cost, currency: now.currency } : {}),
  };
}

/** Items one execution runs itself; a longer loop runs in child workflows of this many items. */
export function itemsPerExecution(step: ForeachStep): number {
  const types = stepTypes(step.steps);
  const cap = [...types].every((t) => TASK_BOUND_TYPES.has(t)) ? MAX_ITEMS_PER_TASK_BOUND_EXECUTION : MAX_ITEMS_PER_EXECUTION;
  return Math.max(1, Math.min(cap, Math.floor(EVENTS_PER_EXECUTION / (EVENTS_PER_BODY_STEP * countSteps(step.steps)))));
}

/** The types of the steps in a body, nested ones included (any container shape). */
function stepTypes(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => stepTypes(v, into));
  else if (value !== null && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (typeof v['id'] === 'string' && typeof v['type'] === 'string') into.add(v['type']);
    // Data fields may hold anything shaped like a step; only nested step lists count.
    for (const [k, x] of Object.entries(v)) if (typeof x === 'object' && k !== 'input' && k !== 'output') stepTypes(x, into);
  }
  return into;
}

/** Steps in a body, nested ones included (any container shape: branches, cases, catch…). */
function countSteps(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + countSteps(v), 0);
  if (value === null || typeof value !== 'object') return 0;
  const v = value as Record<string, unknown>;
  const own = typeof v['id'] === 'string' && typeof v['type'] === 'string' ? 1 : 0;
  return own + Object.values(v).reduce((n: number, x) => n + (typeof x === 'object' ? countSteps(x) : 0), 0);
}

/** Workflow id of the batch of items `from`..`to - 1`: readable and stable across replays. */
export function batchWorkflowId(workflowId: string, loopPath: string, from: number, to: number): string {
  return `${workflowId}/${loopPath}[${from}-${to - 1}]`;
}

/**
 * Runs iterations `offset`..`offset + items.length - 1` of `step` in `rt`'s scope with a
 * pool of `concurrency` workers. With `onItemError: fail` no new item starts after a
 * failure (items in flight finish). `onItem` reports each finished item (progress).
 */
export async function runIterations(step: ForeachStep, items: unknown[], offset: number, rt: StepRuntime, onItem?: (failed: boolean) => void): Promise<ForeachBatchResult> {
  const results: unknown[] = new Array<unknown>(items.length).fill(null);
  const errors: LoopItemError[] = [];
  const as = step.as ?? 'item';
  const last = step.steps[step.steps.length - 1]!;
  let next = 0;
  let stopped = false;
  const worker = async (): Promise<void> => {
    while (!stopped && next < items.length) {
      const i = next++;
      const index = offset + i;
      const iteration = rt.iteration(step, index, step.steps, { [as]: items[i], index });
      try {
        await iteration.runtime.runSteps(step.steps);
        const now = step.output !== undefined ? iteration.runtime.renderNow(step.output) : NOT_PLAIN;
        results[i] = now !== NOT_PLAIN ? now : step.output !== undefined ? await iteration.runtime.render(step.output) : (iteration.outputs[last.id]?.output ?? null);
        onItem?.(false);
      } catch (err) {
        if (isCancellation(err)) throw err;
        errors.push({ index, error: { ...toStepError(err), ...(err instanceof StepFailed ? { step: err.stepId } : {}) } });
        if (step.onItemError !== 'continue') stopped = true;
        onItem?.(true);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(step.concurrency ?? 1, items.length) }, worker));
  errors.sort((a, b) => a.index - b.index);
  return { items: results, errors };
}

/** Fails with OUTPUT_TOO_LARGE naming the loop when `value` is over the step output limit. */
export function assertLoopOutputSize(step: ForeachStep, value: unknown): void {
  const size = JSON.stringify(value).length;
  if (size > MAX_STEP_OUTPUT_BYTES) {
    throw ApplicationFailure.nonRetryable(
      `output of foreach ${step.id} is ${size} bytes, over the ${MAX_STEP_OUTPUT_BYTES}-byte limit of step outputs; set the step's \`output\` to select only what you need of each item (e.g. output: '{{ steps.<bodyStep>.output.id }}')`,
      'OUTPUT_TOO_LARGE',
    );
  }
}

/**
 * The part of the loop's context its body reads (outer step outputs, input fields, enclosing
 * loop variables): each batch's input carries it, so a loop over the run input does not copy
 * the whole input into every batch.
 */
export function contextForBatches(step: ForeachStep, context: TemplateContext): TemplateContext {
  const used = contextPathsUsed({ steps: step.steps, output: step.output });
  if (used === 'all') return context;
  const out: Record<string, unknown> = {};
  for (const [root, value] of Object.entries(context)) {
    if (!['input', 'trigger', 'steps', 'run'].includes(root) || used.has(root) || value === null || typeof value !== 'object' || Array.isArray(value)) {
      out[root] = value;
      continue;
    }
    const picked: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (used.has(`${root}.${k}`)) picked[k] = v;
    out[root] = picked;
  }
  return out as unknown as TemplateContext;
}

async function renderItems(step: ForeachStep, rt: StepRuntime): Promise<unknown[]> {
  const items = await rt.render(step.items);
  if (!Array.isArray(items)) {
    const got = items === null ? 'null' : typeof items;
    throw ApplicationFailure.nonRetryable(`foreach ${step.id}: items must render to an array, got ${got}`, 'INVALID_INPUT');
  }
  return items;
}

/**
 * Runs the items in child workflows of `perExecution` items. The loop's concurrency is split
 * between batches running at once and items at once within each (batches × items ≤
 * `concurrency`), so the loop never runs more than `concurrency` items, yet a long loop of
 * quick items uses more than one workflow task at a time.
 */
async function runBatches(step: ForeachStep, items: unknown[], perExecution: number, rt: StepRuntime, progress: LoopProgress): Promise<ForeachBatchResult> {
  const visit = rt.visitOf(step);
  const loopPath = `${rt.scopePath}${step.id}${visit > 1 ? `.${visit}` : ''}`;
  const context = contextForBatches(step, rt.context());
  const concurrency = step.concurrency ?? 1;
  const batchCount = Math.ceil(items.length / perExecution);
  const atOnce = Math.min(concurrency, batchCount, MAX_BATCHES_AT_ONCE);
  const batchStep: ForeachStep = { ...step, concurrency: Math.max(1, Math.floor(concurrency / atOnce)) };
  const done: ForeachBatchResult[] = [];
  // Runs started before the patch replay batches that neither get nor report tokens.
  const countTokens = patched(FOREACH_BATCH_TOKENS_PATCH);
  let next = 0;
  let stopped = false;
  const worker = async (): Promise<void> => {
    while (!stopped && next < batchCount) {
      const b = next++;
      const from = b * perExecution;
      const to = Math.min(items.length, from + perExecution);
      const input: ForeachBatchInput = {
        step: batchStep,
        items: items.slice(from, to),
        offset: from,
        context,
        scopePath: rt.scopePath,
        visit,
        actionQueues: rt.actionQueues(),
        ...(countTokens ? { tokens: { ...(rt.tokens.budget ? { budget: rt.tokens.budget } : {}), usage: { ...(rt.tokens.usage as BatchUsage) } } } : {}),
      };
      const batch = await executeChild<(i: ForeachBatchInput) => Promise<ForeachBatchResult>>(WORKFLOW_TYPES.foreachBatch, {
        args: [input],
        workflowId: batchWorkflowId(rt.workflowId, loopPath, from, to),
        staticSummary: `${step.id}: items ${from}..${to - 1} of ${items.length}`,
      });
      done[b] = batch;
      // Batches at once each checked the budget against the usage when they started, like iterations at once do.
      if (countTokens && batch.usage) addBatchUsage(rt.tokens.usage as BatchUsage, batch.usage);
      progress.failed += batch.errors.length;
      progress.done += batch.items.length - batch.errors.length;
      if (batch.errors.length && step.onItemError !== 'continue') stopped = true;
    }
  };
  await Promise.all(Array.from({ length: atOnce }, worker));
  const result: ForeachBatchResult = { items: [], errors: [] };
  for (const batch of done) {
    if (!batch) continue;
    result.items.push(...batch.items);
    result.errors.push(...batch.errors);
  }
  assertLoopOutputSize(step, result.items);
  return result;
}

/** Turns on the run's fast paths (StepRuntime.fastPaths) in runs that recorded the patch. */
export function enableFastPaths(rt: StepRuntime): void {
  if (!rt.fastPaths() && patched(FOREACH_FAST_PATHS_PATCH)) rt.enableFastPaths();
}

export const foreachStep: StepExecutor<ForeachStep> = {
  async run(step, rt) {
    enableFastPaths(rt);
    const items = await renderItems(step, rt);
    const state = rt.stateOf(step);
    const progress = { done: 0, failed: 0, total: items.length };
    state.progress = progress;
    const perExecution = itemsPerExecution(step);
    let result: ForeachBatchResult;
    if (items.length <= perExecution) {
      result = await runIterations(step, items, 0, rt, (failed) => (failed ? progress.failed++ : progress.done++));
      assertLoopOutputSize(step, result.items);
    } else {
      result = await runBatches(step, items, perExecution, rt, progress);
    }
    const first = result.errors[0];
    if (first && step.onItemError !== 'continue') {
      const at = first.error.step ? ` at step ${first.error.step}` : '';
      throw new StepFailed(step.id, { code: first.error.code, message: `item ${first.index}${at} failed: ${first.error.message}` });
    }
    const output: LoopOutput = { items: result.items, count: result.items.length, ...(result.errors.length ? { errors: result.errors } : {}) };
    return output;
  },
};
