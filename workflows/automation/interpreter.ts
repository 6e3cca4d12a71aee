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
import { newTokenLedger, type LlmUsage, type TokenLedger } from '../../connectors/sdk/llm-contracts.ts';
import { RATE_LIMIT_QUEUE_PATCH, TEMPLATE_PLAIN_PATHS_PATCH } from '../../src/temporal/constants.ts';
import { SA } from '../../src/temporal/search-attributes.ts';
import type { ApprovalLedger } from './approvals.ts';
import { EventWaitLedger } from './event-waits.ts';
import { MAX_STEP_OUTPUT_BYTES } from './definitions.ts';
import { durationMs } from './duration.ts';
import { PROVIDER_HEARTBEAT_TIMEOUT } from '../activity-options.ts';
import { GotoSignal, StepFailed, StopSignal, toStepError } from '../errors.ts';
import type { StepRuntime, TemplateScope } from './runtime.ts';
import { allSteps, childLists } from './step-lists.ts';
import { executorFor, isLoop } from './steps/registry.ts';
import { evaluateCondition, NOT_PLAIN, PLAIN_ALREADY, renderNow, renderValue, type RenderMode, type TemplateContext } from './template.ts';
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

/**
 * Where steps run and keep their bookkeeping: the run's top level (the Interpreter
 * itself) or one iteration of a `foreach` (see {@link Interpreter.openIteration}).
 * An iteration has its own step states, outputs (an overlay: the enclosing scopes'
 * outputs stay visible), visit counts and step budget, loop variables, and an
 * activity-id prefix, so iterations running concurrently never share a record.
 */
export interface WalkScope {
  readonly states: Map<string, StepState>;
  outputs: InterpreterSnapshot['outputs'];
  visits: Record<string, number>;
  stepCount: number;
  /** Prepended to activity ids (and so to idempotency keys): `''` at the top, `loop[3].` in iteration 3 of `loop`. */
  readonly idPrefix: string;
  /** Template variables of the scope (`item`, `index` or the `as` name); empty at the top. */
  readonly locals: Record<string, unknown>;
  /** The enclosing scope (absent at the top). */
  readonly parent?: WalkScope | undefined;
  /** Bumped whenever `outputs` changes: keys the plain copy of the context its iterations share. */
  revision?: number | undefined;
  /** A plain copy of this scope's context, shared by the iterations of loops running in it. */
  plainCopy?: { revision: number; context: TemplateContext; ready: ReadonlySet<unknown> } | undefined;
  /** This scope's step runtime (executors get it, so nested lists stay in the scope). */
  runtime: StepRuntime;
}

/** A null-prototype copy of `from`: keys are data, never Object.prototype's members. */
export function idMap<T>(from?: Record<string, T>): Record<string, T> {
  const map = Object.create(null) as Record<string, T>;
  if (from) for (const [k, v] of Object.entries(from)) map[k] = v;
  return map;
}

export { allSteps };

/** The steps that keep their state in one scope: all of them, but a loop's body (its iterations are scopes of their own). */
export function scopeSteps(steps: Step[]): Step[] {
  return steps.flatMap((s) => [s, ...(isLoop(s) ? [] : childLists(s).flatMap((l) => scopeSteps(l.steps)))]);
}

export class Interpreter implements WalkScope {
  readonly states = new Map<string, StepState>();
  readonly idPrefix = '';
  readonly locals: Record<string, unknown> = {};
  /** Iteration step states of the loops that ran in this process (`foreach` progress on demand), keyed by loop path. */
  readonly iterations = new Map<string, StepState[][]>();
  /** Keyed by step id: null-prototype maps, so no id (`__proto__`, `constructor`) collides with Object's. */
  outputs: InterpreterSnapshot['outputs'] = idMap();
  visits: Record<string, number> = idMap();
  stepCount = 0;
  status: RunState['status'] = 'running';
  readonly tokens: TokenLedger;
  /** Open `wait_for_event` waits (their signal handler is installed with the first). */
  readonly eventWaits = new EventWaitLedger();
  /** Connection id → task queue of its rate-limited actions (the run input's `actionQueues`). */
  actionQueues: Readonly<Record<string, string>> = {};
  /** Whether steps run concurrently (parallel branches), which gates plain template paths. */
  private readonly concurrent: boolean;
  private templateMode?: RenderMode;
  /** Steps skip awaits on their way to commands (StepRuntime.fastPaths). */
  private fast = false;

  constructor(
    readonly definition: AutomationDefinition,
    readonly base: { input: unknown; trigger: unknown; run: Record<string, unknown> },
    readonly ledger: ApprovalLedger,
    readonly workflowId: string,
    resume?: Omit<InterpreterSnapshot, 'run'>,
  ) {
    const maxTokens = definition.budget?.maxTokens;
    this.tokens = newTokenLedger(maxTokens !== undefined ? { maxTokens } : undefined, resume?.usage);
    const steps = allSteps(definition.steps);
    for (const s of scopeSteps(definition.steps)) this.states.set(s.id, { id: s.id, type: s.type, status: 'pending', attempts: 0 });
    this.concurrent = steps.some((s) => s.type === 'parallel');
    if (resume) {
      for (const s of resume.steps) this.states.set(s.id, s);
      this.outputs = idMap(resume.outputs);
      this.visits = idMap(resume.visits);
      this.stepCount = resume.stepCount;
    }
    this.runtime = this.buildRuntime(this);
  }

  /** Template context of a scope: the run's, plus an iteration's loop variables and outputs over the enclosing ones. */
  context(scope: WalkScope = this): TemplateContext {
    if (!scope.parent) return { input: this.base.input, trigger: this.base.trigger, steps: scope.outputs, run: this.base.run, ...scope.locals };
    const outer = this.plainContextOf(scope.parent);
    return Object.assign({ ...outer.context, ...scope.locals, steps: idMap({ ...outer.context.steps, ...scope.outputs }) }, { [PLAIN_ALREADY]: outer.ready });
  }

  /**
   * The context of a scope that loops run in, copied to plain data once per change of its
   * outputs: iterations render against it without copying the run input each time.
   */
  private plainContextOf(scope: WalkScope): NonNullable<WalkScope['plainCopy']> {
    const revision = scope.revision ?? 0;
    if (scope.plainCopy?.revision !== revision) {
      const context = JSON.parse(JSON.stringify(this.context(scope))) as TemplateContext;
      const ready = new Set<unknown>([...Object.values(context), ...Object.values(context.steps)]);
      scope.plainCopy = { revision, context, ready };
    }
    return scope.plainCopy;
  }

  /**
   * A scope for iteration `index` of the loop step `loop` running in `parent`: fresh states
   * for `body` (recorded under the loop's path for the iterations query), its own outputs,
   * and activity ids prefixed `<parent prefix><loop id>[<index>].`.
   */
  openIteration(parent: WalkScope, loop: Step, index: number, body: Step[], locals: Record<string, unknown>): WalkScope {
    const states = new Map<string, StepState>();
    for (const s of scopeSteps(body)) states.set(s.id, { id: s.id, type: s.type, status: 'pending', attempts: 0 });
    const path = `${parent.idPrefix}${loop.id}`;
    const visit = parent.visits[loop.id] ?? 1;
    const scope: WalkScope = {
      states,
      outputs: idMap(),
      visits: idMap(),
      stepCount: 0,
      idPrefix: `${path}${visit > 1 ? `.${visit}` : ''}[${index}].`,
      locals,
      parent,
      runtime: undefined as unknown as StepRuntime,
    };
    scope.runtime = this.buildRuntime(scope);
    const recorded = this.iterations.get(path) ?? [];
    recorded[index] = [...states.values()];
    this.iterations.set(path, recorded);
    return scope;
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

  /**
   * Re-creates the scope a loop runs in — activity-id prefix, loop variables of enclosing
   * loops, the loop step's visit number — for a batch of the loop in a child workflow
   * (foreach-batch.ts): its iterations get the ids they would get in the run itself.
   */
  enclosingScope(idPrefix: string, locals: Record<string, unknown>, visits: Record<string, number>): WalkScope {
    const scope: WalkScope = { states: new Map(), outputs: idMap(), visits: idMap(visits), stepCount: 0, idPrefix, locals, parent: this, runtime: undefined as unknown as StepRuntime };
    scope.runtime = this.buildRuntime(scope);
    return scope;
  }

  runtime: StepRuntime;

  /**
   * The same scope with more template names for the steps nested in a block (a catch's
   * `error`): states, outputs, visits, budget and ids stay the scope's own.
   */
  private withLocals(scope: WalkScope, extra: TemplateScope): WalkScope {
    const view: WalkScope = {
      get states() { return scope.states; },
      get outputs() { return scope.outputs; },
      set outputs(v) { scope.outputs = v; },
      get visits() { return scope.visits; },
      set visits(v) { scope.visits = v; },
      get stepCount() { return scope.stepCount; },
      set stepCount(v) { scope.stepCount = v; },
      get idPrefix() { return scope.idPrefix; },
      locals: { ...scope.locals, ...extra },
      get parent() { return scope.parent; },
      get revision() { return scope.revision; },
      set revision(v) { scope.revision = v; },
      // Own copy: the view's context (with its extra names) differs from the scope's.
      plainCopy: undefined,
      runtime: undefined as unknown as StepRuntime,
    };
    view.runtime = this.buildRuntime(view);
    return view;
  }

  private buildRuntime(scope: WalkScope): StepRuntime {
    return {
    context: () => this.context(scope),
    render: (value) => renderValue(value, this.context(scope), undefined, this.renderMode()),
    renderNow: (value, context) => (this.fast ? renderNow(value, context ?? this.context(scope), this.renderMode()) : NOT_PLAIN),
    fastPaths: () => this.fast,
    enableFastPaths: () => {
      this.fast = true;
    },
    condition: (expression) => evaluateCondition(expression, this.context(scope), this.renderMode()),
    runSteps: (steps, inner) => this.runList(steps, 0, undefined, inner ? this.withLocals(scope, inner) : scope),
    activityOptions: (step, summary, suffix) => this.activityOptions(step, summary, suffix, scope),
    iteration: (loop, index, body, locals) => this.openIteration(scope, loop, index, body, locals),
    scopePath: scope.idPrefix,
    actionQueues: () => this.actionQueues,
    // Only runs whose input routes the connection reach patched(): older histories replay as recorded.
    actionQueue: (connectionId) =>
      Object.hasOwn(this.actionQueues, connectionId) && patched(RATE_LIMIT_QUEUE_PATCH) ? this.actionQueues[connectionId] : undefined,
    stateOf: (step) => scope.states.get(step.id)!,
    approvals: {
      open: (p, indexed) => this.ledger.open(p, indexed),
      close: (id) => this.ledger.close(id),
      escalate: (id, approvers, at) => this.ledger.escalate(id, approvers, at),
      get: (id) => this.ledger.get(id),
      indexAttributes: () => this.ledger.indexAttributes(),
      publishMemo: () => this.ledger.publishMemo(),
    },
    setStatus: (status, details, attributes) => this.setStatus(status, details, attributes),
    visitOf: (step) => scope.visits[step.id] ?? 1,
    workflowId: this.workflowId,
    tokens: this.tokens,
    eventWaits: this.eventWaits,
    };
  }

  setStatus(status: RunState['status'], details?: string, attributes: SearchAttributeUpdatePair[] = []): void {
    this.status = status;
    upsertSearchAttributes([{ key: SA.status, value: status }, ...attributes]);
    if (details !== undefined) setCurrentDetails(details);
  }

  activityOptions(step: Step, summary: string, suffix?: string, scope: WalkScope = this): ActivityOptions {
    const r = step.retry ?? {};
    const visit = scope.visits[step.id] ?? 1;
    return {
      startToCloseTimeout: step.timeout ? durationMs(step.timeout) : '5 minutes',
      heartbeatTimeout: PROVIDER_HEARTBEAT_TIMEOUT, // a killed worker's step is retried within the recovery bound
      retry: {
        maximumAttempts: r.maxAttempts ?? 5,
        initialInterval: r.initialInterval ? durationMs(r.initialInterval) : '1 second',
        backoffCoefficient: r.backoff ?? 2,
        maximumInterval: r.maxInterval ? durationMs(r.maxInterval) : '10 minutes',
        nonRetryableErrorTypes: [...NON_RETRYABLE_CODES, ...(r.nonRetryable ?? [])],
      },
      summary,
      // Stable and readable: attempts of one step execution share it (idempotency keys).
      activityId: `${scope.idPrefix}${step.id}${visit > 1 ? `.${visit}` : ''}${suffix ? `.${suffix}` : ''}`,
    };
  }

  /**
   * Runs a list of steps; a goto to a step of this list moves the cursor, other
   * gotos go up to the enclosing list. `beforeStep` lets the top level
   * continue-as-new between steps. `scope` is where the steps keep their records.
   */
  async runList(steps: Step[], start = 0, beforeStep?: (pc: number) => Promise<void>, scope: WalkScope = this): Promise<void> {
    let i = start;
    while (i < steps.length) {
      if (beforeStep) await beforeStep(i);
      try {
        await this.runStep(steps[i]!, scope);
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

  /** Runs one step in `scope`; an iteration counts its step executions against `budget.maxSteps` on its own. */
  private async runStep(step: Step, scope: WalkScope): Promise<void> {
    const max = this.definition.budget?.maxSteps ?? DEFAULT_MAX_STEPS;
    if (++scope.stepCount > max) {
      const where = scope.parent ? `iteration ${scope.idPrefix.slice(0, -1)}` : 'run';
      throw new StepFailed(step.id, { code: 'BUDGET_EXCEEDED', message: `${where} exceeded its budget of ${max} step executions (budget.maxSteps)` });
    }
    scope.visits[step.id] = (scope.visits[step.id] ?? 0) + 1;
    const st = scope.states.get(step.id)!;
    Object.assign(st, { status: 'running', attempts: 0, output: undefined, error: undefined, startedAt: new Date().toISOString(), finishedAt: undefined });
    try {
      if (step.when !== undefined && !(await evaluateCondition(step.when, this.context(scope), this.renderMode()))) {
        Object.assign(st, { status: 'skipped', finishedAt: new Date().toISOString() });
        return;
      }
      const executor = executorFor(step);
      if (!executor) throw ApplicationFailure.nonRetryable(`no executor for step type "${step.type}"`, 'CONFIG_INVALID');
      if (this.status === 'running') setCurrentDetails(`running step ${step.id} (${step.type})`);
      st.attempts = 1;
      const output = await executor.run(step, scope.runtime);
      this.complete(step, st, output, scope);
    } catch (err) {
      if (err instanceof GotoSignal) {
        if (err.from?.stepId === step.id) this.complete(step, st, err.from.output, scope);
        throw err;
      }
      if (err instanceof StopSignal) {
        // The stop step and the blocks around it end as completed; the workflow ends the run.
        this.complete(step, st, err.stepId === step.id ? { status: err.status, reason: err.reason ?? null, output: err.output ?? null } : st.output, scope);
        throw err;
      }
      const error = isCancellation(err) ? { code: 'CANCELLED', message: 'run was cancelled' } : toStepError(err);
      Object.assign(st, { status: 'failed', error, finishedAt: new Date().toISOString() });
      if (isCancellation(err)) throw err;
      const onError = step.onError ?? 'fail';
      if (onError === 'continue' && error.code !== 'BUDGET_EXCEEDED') {
        scope.outputs[step.id] = { output: null, error };
        scope.revision = (scope.revision ?? 0) + 1;
        return;
      }
      if (onError.startsWith('goto:') && error.code !== 'BUDGET_EXCEEDED') throw new GotoSignal(onError.slice(5));
      throw err instanceof StepFailed ? err : new StepFailed(step.id, error);
    }
  }

  private complete(step: Step, st: StepState, output: unknown, scope: WalkScope): void {
    const size = JSON.stringify(output ?? null).length;
    if (size > MAX_STEP_OUTPUT_BYTES) {
      throw ApplicationFailure.nonRetryable(
        `output of step ${step.id} is ${size} bytes, over the ${MAX_STEP_OUTPUT_BYTES}-byte limit of step outputs; select the fields you need in a transform or have the action store it and return a reference`,
        'OUTPUT_TOO_LARGE',
      );
    }
    Object.assign(st, { status: 'completed', output, finishedAt: new Date().toISOString() });
    scope.outputs[step.id] = { output };
    scope.revision = (scope.revision ?? 0) + 1;
  }

  state(meta: { automationId: string; version: number; name: string }, extra: Partial<RunState> = {}): RunState {
    const waitingFor = this.eventWaits.list();
    return {
      ...meta,
      status: this.status,
      steps: [...this.states.values()],
      pendingApprovals: this.ledger.list(),
      ...(waitingFor.length ? { waitingFor } : {}),
      usage: { ...this.tokens.usage },
      ...extra,
    };
  }
}
