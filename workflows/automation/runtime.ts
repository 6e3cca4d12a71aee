/**
 * What a step executor gets from the interpreter. Kept apart from interpreter.ts so
 * executors and the interpreter do not import each other.
 */
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { ActivityOptions } from '@temporalio/workflow';
import type { TokenLedger } from '../ai-contracts.ts';
import type { TemplateContext } from './template.ts';
import type { PendingApproval, Step, StepState } from './types.ts';

export interface StepRuntime {
  /** Template context as of now (input, trigger, steps, run). */
  context(): TemplateContext;
  render(value: unknown): Promise<unknown>;
  condition(expression: string): Promise<boolean>;
  /** Runs a nested list of steps (branches). */
  runSteps(steps: Step[]): Promise<void>;
  /** Activity options of a step: timeout, retry policy, summary, stable activity id. */
  activityOptions(step: Step, summary: string, suffix?: string): ActivityOptions;
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
  setStatus(status: 'running' | 'waiting_approval', details?: string, attributes?: SearchAttributeUpdatePair[]): void;
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
