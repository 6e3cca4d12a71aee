/**
 * `automationWorkflow`: runs one pinned version of an automation. The definition is
 * loaded through an activity (history carries ids, never secrets); the walk is in
 * interpreter.ts; approvals wait on the `decideApproval` update.
 */
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  isCancellation,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { declareVersioningBehavior } from '../versioning.ts';
import { runSearchAttributes } from './run-attributes.ts';
import type { AutomationRunInput } from '../contracts.ts';
import type { Activities as InterpreterActivities } from '../../activities/index.ts';
import { ApprovalLedger } from './approvals.ts';
import { loopIterationsQuery, runStateQuery } from './definitions.ts';
import { loopIterations } from './loop-iterations.ts';
import { StepFailed, StopSignal, toStepError } from '../errors.ts';
import { idMap, Interpreter, type InterpreterSnapshot } from './interpreter.ts';
import { approvalLinkSteps } from './approval-links.ts';
import type { AutomationDefinition, RunState } from './types.ts';
import { AUTOMATION_LOAD_ACTIVITY_OPTIONS } from '../activity-options.ts';
import { redriveSnapshot } from './redrive-start.ts';
import { triggerView } from './trigger-view.ts';
import { holdConcurrencySlot } from './concurrency.ts';
import type { RunConcurrency } from './concurrency-contracts.ts';

const { loadAutomationVersion, issueApprovalLinks } = proxyActivities<InterpreterActivities>(AUTOMATION_LOAD_ACTIVITY_OPTIONS);

/** Input of the interpreter: the shared run input plus state carried by continue-as-new. */
export interface AutomationWorkflowInput extends AutomationRunInput {
  resume?: InterpreterSnapshot | undefined;
  /** Continue-as-new once the history has this many events (default: when the server suggests it). */
  historyLimit?: number | undefined;
}

export interface AutomationRunResult {
  automationId: string;
  version: number;
  status: 'completed';
  /** Output of every step that produced one. */
  outputs: Record<string, unknown>;
  /** Set when a `stop` step ended the run: its id and rendered `output`. */
  stopped?: { stepId: string; output: unknown; reason?: string | undefined };
}

/**
 * Versioned workers (SWITCHBOARD_WORKER_DEPLOYMENT): PINNED. A run can wait days on an
 * approval or a `wait` step, and the interpreter's commands change from release to release
 * (only the histories in test/replay are checked): the run finishes on the code that started
 * it, continue-as-new included. Unversioned workers ignore the setting.
 */
export async function automationWorkflow(input: AutomationWorkflowInput): Promise<AutomationRunResult> {
  const info = workflowInfo();
  const meta = { automationId: input.automationId, version: input.version, name: '' };
  const holder: { interpreter?: Interpreter } = {};
  let failure: RunState['error'];
  const place: { current?: RunConcurrency } = {};
  setHandler(runStateQuery, () => {
    const state: RunState = holder.interpreter ? holder.interpreter.state(meta, failure ? { error: failure } : {}) : { ...meta, status: 'running', steps: [], pendingApprovals: [] };
    return place.current ? { ...state, concurrency: place.current } : state;
  });
  setHandler(loopIterationsQuery, (args) => (holder.interpreter ? loopIterations(holder.interpreter, args) : { stepId: args.stepId, iterations: [] }));
  // Runs started with their attributes and definition (webhook intake, runs API) skip
  // the upsert and the activity: fewer history events per flow. Older histories carry
  // neither field and replay the original commands.
  if (!input.attributesAtStart) upsertSearchAttributes(runSearchAttributes(input));

  const loaded = (input.pinned ?? (await loadAutomationVersion({ automationId: input.automationId, version: input.version }))) as unknown as {
    name: string;
    definition: AutomationDefinition;
    actionQueues?: Record<string, string>;
  };
  const name = loaded.name;
  const definition = withRunBudget(loaded.definition, input.budget?.maxTokens);
  meta.name = name;
  const approvalSteps = approvalLinkSteps(definition);
  const ledger = new ApprovalLedger(new Set(approvalSteps.map((s) => s.stepId)));
  ledger.install();

  let run = input.resume?.run;
  if (!run) {
    run = { workflowId: info.workflowId, runId: info.firstExecutionRunId, automationId: input.automationId, version: input.version, name, approvalLinks: {} };
    // Starters with the master key sign the links into the input (no activity); older
    // histories and other starters issue them through the activity as before.
    if (approvalSteps.length) run['approvalLinks'] = input.approvalLinks ?? (await issueApprovalLinks({ workflowId: info.workflowId, steps: approvalSteps }));
    // Only definitions with `concurrency` (which older histories never have) wait for a slot here.
    if (definition.concurrency) {
      await holdConcurrencySlot(definition, { automationId: input.automationId, workflowId: info.workflowId }, { input: input.input, trigger: triggerView(input.trigger), steps: {}, run }, place);
    }
  }
  // A re-drive from a step starts like a continued run: at its step, with the source's records before it.
  const resume = input.resume ?? (input.redriveFrom ? redriveSnapshot(definition, input.redriveFrom) : undefined);
  const it = new Interpreter(definition, { input: input.input, trigger: triggerView(input.trigger), run }, ledger, info.workflowId, resume);
  // Runs that loaded their definition get the queues with it (recorded in the activity's result).
  const actionQueues = input.actionQueues ?? loaded.actionQueues;
  if (actionQueues) it.actionQueues = actionQueues;
  holder.interpreter = it;

  const maybeContinueAsNew = async (pc: number): Promise<void> => {
    const current = workflowInfo();
    const long = input.historyLimit !== undefined ? current.historyLength >= input.historyLimit : current.continueAsNewSuggested;
    if (!long) return;
    await condition(allHandlersFinished);
    await continueAsNew<typeof automationWorkflow>({ ...input, resume: it.snapshot(pc) });
  };

  let stopped: AutomationRunResult['stopped'];
  try {
    await it.runList(definition.steps, resume?.pc ?? 0, maybeContinueAsNew);
  } catch (thrown) {
    // A completed `stop` ends the run like its last step; a failed one fails it with STOPPED.
    stopped = thrown instanceof StopSignal && thrown.status === 'completed' ? { stepId: thrown.stepId, output: thrown.output ?? null, ...(thrown.reason === undefined ? {} : { reason: thrown.reason }) } : undefined;
    const err = thrown instanceof StopSignal ? new StepFailed(thrown.stepId, { code: 'STOPPED', message: thrown.reason ?? `stopped by step ${thrown.stepId}` }) : thrown;
    if (!stopped) {
      if (isCancellation(err) || !(err instanceof StepFailed || err instanceof Error)) throw err;
      if (err.name === 'ContinueAsNew') throw err;
      failure = toStepError(err);
      it.setStatus('failed', `failed: ${err.message}`);
      await condition(allHandlersFinished);
      throw ApplicationFailure.create({
        type: failure.code,
        message: err instanceof StepFailed ? err.message : `run failed: ${failure.message}`,
        nonRetryable: true,
        details: [{ stepId: err instanceof StepFailed ? err.stepId : undefined, ...failure }],
      });
    }
  }
  it.setStatus('completed');
  setCurrentDetails('completed');
  await condition(allHandlersFinished);
  const outputs = idMap<unknown>();
  for (const [id, o] of Object.entries(it.outputs)) if (o.output !== undefined) outputs[id] = o.output;
  return { automationId: input.automationId, version: input.version, status: 'completed', outputs, ...(stopped ? { stopped } : {}) };
}

declareVersioningBehavior('PINNED', automationWorkflow);

/** The definition with a start-time token budget applied: the lower of the two limits wins. */
function withRunBudget(definition: AutomationDefinition, runMaxTokens: number | undefined): AutomationDefinition {
  if (runMaxTokens === undefined) return definition;
  const own = definition.budget?.maxTokens;
  return { ...definition, budget: { ...definition.budget, maxTokens: own === undefined ? runMaxTokens : Math.min(own, runMaxTokens) } };
}
