/**
 * The run context of a code-first workflow (switchboard/workflow): the automation
 * interpreter's own machinery — step records, approval ledger with its `decideApproval`
 * update and inbox index, event waits, token ledger, activity options — driven one helper
 * call at a time instead of by a definition. Created on the first helper call (or by the
 * worker's interceptor when the run starts) and kept on the run's own global object: the
 * modules are shared by every run of a worker thread, a run's globals are not.
 */
import { ApplicationFailure, isCancellation, setHandler, workflowInfo } from '@temporalio/workflow';
import { ApprovalLedger } from '../automation/approvals.ts';
import { runStateQuery } from '../automation/definitions.ts';
import { Interpreter } from '../automation/interpreter.ts';
import type { AutomationDefinition, Step } from '../automation/types.ts';
import { toStepError } from '../errors.ts';
import { CODE_RUN_MEMO, CODE_WORKFLOW_PREFIX, type CodeRunMemo } from './names.ts';


/** Step ids as the definition language has them (the run page and approval endpoints use them). */
const STEP_ID = /^[A-Za-z_][\w-]{0,63}$/;

const RUN_KEY = Symbol.for('switchboard.codeWorkflowRun');

/** One code workflow run's bookkeeping. */
export class CodeRun {
  readonly interpreter: Interpreter;
  /** Step ids of the run's approvals so far: the update's validator knows them from their first call. */
  private readonly approvalIds = new Set<string>();
  private calls = 0;

  constructor() {
    const info = workflowInfo();
    const definition = { name: info.workflowType, trigger: { type: 'manual' }, steps: [], budget: { maxSteps: Number.MAX_SAFE_INTEGER } } satisfies AutomationDefinition;
    const ledger = new ApprovalLedger(this.approvalIds);
    ledger.install();
    this.interpreter = new Interpreter(definition, { input: null, trigger: { type: 'code' }, run: { workflowId: info.workflowId, runId: info.firstExecutionRunId, name: info.workflowType } }, ledger, info.workflowId);
    // The starter's memo routes rate-limited connections' actions to their queues (absent: the run's own queue).
    const memo = info.memo?.[CODE_RUN_MEMO] as CodeRunMemo | undefined;
    if (memo?.actionQueues && typeof memo.actionQueues === 'object') this.interpreter.actionQueues = memo.actionQueues;
    // Helper arguments are values, not templates: `{{ }}` in them is text.
    this.interpreter.runtime = { ...this.interpreter.runtime, render: (value) => Promise.resolve(value) };
    const meta = { automationId: `${CODE_WORKFLOW_PREFIX}${info.workflowType}`, version: 0, name: info.workflowType };
    setHandler(runStateQuery, () => this.interpreter.state(meta));
  }

  /** The step id of a call: the caller's, or `<kind>-<n>` (n: the call's position among the run's helper calls). */
  stepId(kind: string, id: string | undefined): string {
    this.calls++;
    const stepId = id ?? `${kind}-${this.calls}`;
    if (!STEP_ID.test(stepId)) {
      throw ApplicationFailure.create({ type: 'CONFIG_INVALID', message: `step id "${stepId}" must start with a letter or _ and contain letters, digits, _ or - (at most 64)`, nonRetryable: true });
    }
    return stepId;
  }

  /**
   * Runs one step through the interpreter (status, attempts, output, error, stable activity
   * ids: a second call with the same id is its next visit, `<id>.2`). A failed step rejects
   * with an ApplicationFailure of the step's error code naming the step id, so an uncaught
   * one fails the run (not its workflow task) and a caught one can be handled.
   */
  async run(step: Step): Promise<unknown> {
    const it = this.interpreter;
    if (step.type === 'approval') this.approvalIds.add(step.id);
    const previous = it.states.get(step.id);
    if (previous && previous.type !== step.type) {
      throw failure(step.id, { code: 'CONFIG_INVALID', message: `step id "${step.id}" is already used by a ${previous.type} step of this run` });
    }
    it.states.set(step.id, previous ?? { id: step.id, type: step.type, status: 'pending', attempts: 0 });
    try {
      await it.runList([step]);
    } catch (err) {
      if (isCancellation(err)) throw err;
      throw failure(step.id, toStepError(err));
    }
    return it.outputs[step.id]?.output;
  }
}

function failure(stepId: string, error: { code: string; message: string }): ApplicationFailure {
  const message = error.message.startsWith(`step ${stepId} `) ? error.message : `step ${stepId} failed: ${error.code}: ${error.message}`;
  return ApplicationFailure.create({ type: error.code, message, nonRetryable: true, details: [{ stepId, ...error }] });
}

/** The current run's context, created on first use. */
export function codeRun(): CodeRun {
  const holder = globalThis as unknown as Record<symbol, CodeRun | undefined>;
  return (holder[RUN_KEY] ??= new CodeRun());
}
