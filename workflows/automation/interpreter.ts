/**
 * The step walker: runs a definition's steps in order, deterministically, applying
 * `when`, `retry`/`timeout` (as Temporal activity options, so attempts of one step
 * share an activity id and connectors see one idempotency key), `onError`
 * (fail | continue | goto) and a step budget. State is kept in plain data so it can
 * be answered by a query and carried through continue-as-new.
 */
import {
  ApplicationFailure,
  isCancellation,
  patched,
  setCurrentDetails,
  upsertSearchAttributes,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { NON_RETRYABLE_CODES } from '../../connectors/sdk/errors.ts';
import { newTokenLedger, type LlmUsage, type TokenLedger } from '../ai-contracts.ts';
import { RATE_LIMIT_QUEUE_PATCH, TEMPLATE_PLAIN_PATHS_PATCH } from '../../src/temporal/constants.ts';
import { SA } from '../../src/temporal/search-attributes.ts';
import type { ApprovalLedger } from './approvals.ts';
import { MAX_STEP_OUTPUT_BYTES } from './definitions.ts';
import { durationMs } from './duration.ts';
import { GotoSignal, StepFailed, toStepError } from '../errors.ts';
import type { StepRuntime } from './runtime.ts';
import { childLists, executorFor } from './steps/registry.ts';
import { evaluateCondition, renderValue, type RenderMode, type TemplateContext } from './template.ts';
import type { AutomationDefinition, RunState, Step, StepState } from './types.ts';

/** Plain-data state of a run, carried through continue-as-new. */
export interface InterpreterSnapshot {
  /** Index of the next top-level step. */
  pc: number;
  steps: StepState[];
  /** `steps.<id>` of the template context. */
  outputs: Record<string, { output?: unknown; error?: unknown }>;
  visits: Record<string, number>;
  stepCount: number;
  run: Record<string, unknown>;
  /** LLM tokens used so far (the budget check spans continue-as-new). */
  usage?: LlmUsage | undefined;
}

const DEFAULT_MAX_STEPS = 1000;

/** A null-prototype copy of `from`: keys are data, never Object.prototype's members. */
export function idMap<T>(from?: Record<string, T>): Record<string, T> {
  const map = Object.create(null) as Record<string, T>;
  if (from) for (const [k, v] of Object.entries(from)) map[k] = v;
  return map;
}

/** Every step of a definition, depth first. */
export function allSteps(steps: Step[]): Step[] {
  return steps.flatMap((s) => [s, ...childLists(s).flatMap(allSteps)]);
}

export class Interpreter {
  readonly states = new Map<string, StepState>();
  /** Keyed by step id: null-prototype maps, so no id (`__proto__`, `constructor`) collides with Object's. */
  outputs: InterpreterSnapshot['outputs'] = idMap();
  visits: Record<string, number> = idMap();
  stepCount = 0;
  status: RunState['status'] = 'running';
  readonly tokens: TokenLedger;
  /** Connection id → task queue of its rate-limited actions (the run input's `actionQueues`). */
  actionQueues: Readonly<Record<string, string>> = {};
  /** Whether steps run concurrently (parallel branches), which gates plain template paths. */
  private readonly concurrent: boolean;
  private templateMode?: RenderMode;

  constructor(
    readonly definition: AutomationDefinition,
    readonly base: { input: unknown; trigger: unknown; run: Record<string, unknown> },
    readonly ledger: ApprovalLedger,
    readonly workflowId: string,
    resume?: InterpreterSnapshot,
  ) {
    const maxTokens = definition.budget?.maxTokens;
    this.tokens = newTokenLedger(maxTokens !== undefined ? { maxTokens } : undefined, resume?.usage);
    const steps = allSteps(definition.steps);
    for (const s of steps) this.states.set(s.id, { id: s.id, type: s.type, status: 'pending', attempts: 0 });
    this.concurrent = steps.some((s) => s.type === 'parallel');
    if (resume) {
      for (const s of resume.steps) this.states.set(s.id, s);
      this.outputs = idMap(resume.outputs);
      this.visits = idMap(resume.visits);
      this.stepCount = resume.stepCount;
    }
    this.runtime = this.buildRuntime();
  }

  context(): TemplateContext {
    return { input: this.base.input, trigger: this.base.trigger, steps: this.outputs, run: this.base.run };
  }

  /**
   * How templates evaluate (template.ts `RenderMode`): plain paths without JSONata where
   * steps never run concurrently, else only in runs that recorded the patch (decided once,
   * at the first rendering).
   */
  renderMode(): RenderMode {
    this.templateMode ??= { plainPaths: !this.concurrent || patched(TEMPLATE_PLAIN_PATHS_PATCH) };
    return this.templateMode;
  }

  snapshot(pc: number): InterpreterSnapshot {
    return { pc, steps: [...this.states.values()], outputs: this.outputs, visits: this.visits, stepCount: this.stepCount, run: this.base.run, usage: { ...this.tokens.usage } };
  }

  readonly runtime: StepRuntime;

  private buildRuntime(): StepRuntime {
    return {
    context: () => this.context(),
    render: (value) => renderValue(value, this.context(), undefined, this.renderMode()),
    condition: (expression) => evaluateCondition(expression, this.context(), this.renderMode()),
    runSteps: (steps) => this.runList(steps),
    activityOptions: (step, summary, suffix) => this.activityOptions(step, summary, suffix),
    // Only runs whose input routes the connection reach patched(): older histories replay as recorded.
    actionQueue: (connectionId) =>
      Object.hasOwn(this.actionQueues, connectionId) && patched(RATE_LIMIT_QUEUE_PATCH) ? this.actionQueues[connectionId] : undefined,
    stateOf: (step) => this.states.get(step.id)!,
    approvals: {
      open: (p, indexed) => this.ledger.open(p, indexed),
      close: (id) => this.ledger.close(id),
      escalate: (id, approvers, at) => this.ledger.escalate(id, approvers, at),
      get: (id) => this.ledger.get(id),
      indexAttributes: () => this.ledger.indexAttributes(),
      publishMemo: () => this.ledger.publishMemo(),
    },
    setStatus: (status, details, attributes) => this.setStatus(status, details, attributes),
    visitOf: (step) => this.visits[step.id] ?? 1,
    workflowId: this.workflowId,
    tokens: this.tokens,
    };
  }

  setStatus(status: RunState['status'], details?: string, attributes: SearchAttributeUpdatePair[] = []): void {
    this.status = status;
    upsertSearchAttributes([{ key: SA.status, value: status }, ...attributes]);
    if (details !== undefined) setCurrentDetails(details);
  }

  activityOptions(step: Step, summary: string, suffix?: string): ActivityOptions {
    const r = step.retry ?? {};
    const visit = this.visits[step.id] ?? 1;
    return {
      startToCloseTimeout: step.timeout ? durationMs(step.timeout) : '5 minutes',
      retry: {
        maximumAttempts: r.maxAttempts ?? 5,
        initialInterval: r.initialInterval ? durationMs(r.initialInterval) : '1 second',
        backoffCoefficient: r.backoff ?? 2,
        maximumInterval: r.maxInterval ? durationMs(r.maxInterval) : '10 minutes',
        nonRetryableErrorTypes: [...NON_RETRYABLE_CODES, ...(r.nonRetryable ?? [])],
      },
      summary,
      // Stable and readable: attempts of one step execution share it (idempotency keys).
      activityId: `${step.id}${visit > 1 ? `.${visit}` : ''}${suffix ? `.${suffix}` : ''}`,
    };
  }

  /**
   * Runs a list of steps; a goto to a step of this list moves the cursor, other
   * gotos go up to the enclosing list. `beforeStep` lets the top level
   * continue-as-new between steps.
   */
  async runList(steps: Step[], start = 0, beforeStep?: (pc: number) => Promise<void>): Promise<void> {
    let i = start;
    while (i < steps.length) {
      if (beforeStep) await beforeStep(i);
      try {
        await this.runStep(steps[i]!);
        i++;
      } catch (err) {
        if (err instanceof GotoSignal) {
          const j = steps.findIndex((s) => s.id === err.target);
          if (j >= 0) {
            i = j;
            continue;
          }
        }
        throw err;
      }
    }
  }

  private async runStep(step: Step): Promise<void> {
    const max = this.definition.budget?.maxSteps ?? DEFAULT_MAX_STEPS;
    if (++this.stepCount > max) {
      throw new StepFailed(step.id, { code: 'BUDGET_EXCEEDED', message: `run exceeded its budget of ${max} step executions (budget.maxSteps)` });
    }
    this.visits[step.id] = (this.visits[step.id] ?? 0) + 1;
    const st = this.states.get(step.id)!;
    Object.assign(st, { status: 'running', attempts: 0, output: undefined, error: undefined, startedAt: new Date().toISOString(), finishedAt: undefined });
    try {
      if (step.when !== undefined && !(await evaluateCondition(step.when, this.context(), this.renderMode()))) {
        Object.assign(st, { status: 'skipped', finishedAt: new Date().toISOString() });
        return;
      }
      const executor = executorFor(step);
      if (!executor) throw ApplicationFailure.nonRetryable(`no executor for step type "${step.type}"`, 'CONFIG_INVALID');
      if (this.status !== 'waiting_approval') setCurrentDetails(`running step ${step.id} (${step.type})`);
      st.attempts = 1;
      const output = await executor.run(step, this.runtime);
      this.complete(step, st, output);
    } catch (err) {
      if (err instanceof GotoSignal) {
        if (err.from?.stepId === step.id) this.complete(step, st, err.from.output);
        throw err;
      }
      const error = isCancellation(err) ? { code: 'CANCELLED', message: 'run was cancelled' } : toStepError(err);
      Object.assign(st, { status: 'failed', error, finishedAt: new Date().toISOString() });
      if (isCancellation(err)) throw err;
      const onError = step.onError ?? 'fail';
      if (onError === 'continue' && error.code !== 'BUDGET_EXCEEDED') {
        this.outputs[step.id] = { output: null, error };
        return;
      }
      if (onError.startsWith('goto:') && error.code !== 'BUDGET_EXCEEDED') throw new GotoSignal(onError.slice(5));
      throw err instanceof StepFailed ? err : new StepFailed(step.id, error);
    }
  }

  private complete(step: Step, st: StepState, output: unknown): void {
    const size = JSON.stringify(output ?? null).length;
    if (size > MAX_STEP_OUTPUT_BYTES) {
      throw ApplicationFailure.nonRetryable(
        `output of step ${step.id} is ${size} bytes, over the ${MAX_STEP_OUTPUT_BYTES}-byte limit of step outputs; select the fields you need in a transform or have the action store it and return a reference`,
        'OUTPUT_TOO_LARGE',
      );
    }
    Object.assign(st, { status: 'completed', output, finishedAt: new Date().toISOString() });
    this.outputs[step.id] = { output };
  }

  state(meta: { automationId: string; version: number; name: string }, extra: Partial<RunState> = {}): RunState {
    return { ...meta, status: this.status, steps: [...this.states.values()], pendingApprovals: this.ledger.list(), usage: { ...this.tokens.usage }, ...extra };
  }
}
