/**
 * What a step executor gets from the interpreter. Kept apart from interpreter.ts so
 * executors and the interpreter do not import each other.
 */
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { ActivityOptions } from '@temporalio/workflow';
import type { TokenLedger } from '../../connectors/sdk/llm-contracts.ts';
import type { EventWaitLedger } from './event-waits.ts';
import type { TemplateContext } from './template.ts';
import type { PendingApproval, Step, StepState } from './types.ts';

/** Template names a block adds for the steps nested in it, beside input/trigger/steps/run. */
export type TemplateScope = Readonly<Record<string, unknown>>;

/** One iteration of a loop step, opened by {@link StepRuntime.iteration}. */
export interface IterationScope {
  /** The runtime of the iteration: its steps, renderings and nested lists stay inside it. */
  runtime: StepRuntime;
  /** The iteration's own step outputs (`steps.<bodyStepId>`). */
  outputs: Record<string, { output?: unknown; error?: unknown }>;
}

export interface StepRuntime {
  /** Template context as of now (input, trigger, steps, run). */
  context(): TemplateContext;
  render(value: unknown): Promise<unknown>;
  /**
   * Renders without a promise where that is allowed (see {@link StepRuntime.fastPaths}) and
   * every template is a plain path; template.ts `NOT_PLAIN` otherwise (then use `render`).
   * `context`: the scope's context when the caller already has it.
   */
  renderNow(value: unknown, context?: TemplateContext): unknown;
  /**
   * Whether steps may skip awaits on their way to a command (fewer awaits may change which
   * of two concurrent iterations reaches its command first): on from the first `foreach` of
   * a run that recorded FOREACH_FAST_PATHS_PATCH; {@link StepRuntime.enableFastPaths} turns it on.
   */
  fastPaths(): boolean;
  enableFastPaths(): void;
  condition(expression: string): Promise<boolean>;
  /** Runs a nested list of steps (branches); `scope` adds template names for them (a catch's `error`). */
  runSteps(steps: Step[], scope?: TemplateScope): Promise<void>;
  /**
   * Opens iteration `index` of loop step `loop` inside this runtime's scope: `body` gets
   * fresh states and outputs, `locals` (`item`, `index`) join the template context, and
   * activity ids become `<scopePath><loop id>[<index>].<step id>`.
   */
  iteration(loop: Step, index: number, body: Step[], locals: Record<string, unknown>): IterationScope;
  /** Activity-id prefix of this runtime's scope: `''` at the top, `loop[3].` inside iteration 3 of `loop`. */
  scopePath: string;
  /** Activity options of a step: timeout, retry policy, summary, stable activity id. */
  activityOptions(step: Step, summary: string, suffix?: string): ActivityOptions;
  /** Connection id → task queue of the run's rate-limited actions (handed to loop batches). */
  actionQueues(): Readonly<Record<string, string>>;
  /** The task queue of a rate-limited connection's actions (undefined: the run's own queue). */
  actionQueue(connectionId: string): string | undefined;
  /** The step's state record (executors may update fields such as `status`). */
  stateOf(step: Step): StepState;
  /** Approval bookkeeping shared with the update handler. */
  approvals: {
    /** `indexed`: keep the inbox index current for this approval (approval-index.ts). */
    open(p: PendingApproval, indexed?: boolean): void;
    /** Closes a step; for an indexed one, the index attributes of what still waits. */
    close(stepId: string): SearchAttributeUpdatePair[] | undefined;
    escalate(stepId: string, approvers: readonly string[], at: string): void;
    get(stepId: string): (PendingApproval & { outcome?: 'approve' | 'reject' }) | undefined;
    /** The index attributes of the indexed approvals that wait. */
    indexAttributes(): SearchAttributeUpdatePair[];
    /** Upserts the memo the inbox shows (indexed approvals that wait). */
    publishMemo(): void;
  };
  /** Upserts the status search attribute (with `attributes`, in the same command) and the current details line. */
  setStatus(status: 'running' | 'waiting_approval' | 'waiting_event', details?: string, attributes?: SearchAttributeUpdatePair[]): void;
  /** The events the run is parked on, shared with the `eventDelivered` signal handler. */
  eventWaits: EventWaitLedger;
  /** Deterministic id suffix for the n-th execution of a step (goto loops). */
  visitOf(step: Step): number;
  workflowId: string;
  /** The run's token ledger (usage so far, `budget.maxTokens`), shared by its llm steps. */
  tokens: TokenLedger;
}

/**
 * Runs one kind of step. Returns the step's output.
 *
 * How to add a step type (e.g. `llm`): write `steps/llm.ts` exporting a
 * `StepExecutor` (workflow code: proxy activities, no I/O), register it in
 * `STEP_EXECUTORS` (steps/registry.ts), and add its zod schema to `STEP_SCHEMAS`
 * in src/automations/definition.ts. The interpreter applies `when`, `retry`,
 * `timeout` and `onError` to every step type alike.
 */
export interface StepExecutor<S extends Step = Step> {
  run(step: S, rt: StepRuntime): Promise<unknown>;
}
