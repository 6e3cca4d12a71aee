/**
 * One poll of a polling trigger. The automation's Temporal Schedule starts it every
 * interval (overlaps skipped: one poll at a time per automation). `pollTrigger` polls with
 * the durable state (the `poll_states` row) and answers the items not seen before; each
 * starts one automation run with a deterministic id (`run:<automationId>:poll:<itemKey>`,
 * reuse rejected), so an item seen twice (a poll retried after a crash, an item edited in
 * place) never starts a second run. `commitPollState` stores the new cursor and ids only
 * after every run was started: a crash in between re-polls the same items, and the ids
 * dedupe them — no gap, no repeat. (Not the Schedule's last-completion result: a manual
 * "trigger now" does not receive it, and a lost cursor would be a gap.)
 */
import { patched, proxyActivities, startChild } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Activities } from '../activities/index.ts';
import { POLL_RUN_PRIORITY_PATCH, pollRunKey, runWorkflowId, WORKFLOW_TYPES } from '../src/temporal/constants.ts';
import { POLL_ACTIVITY_OPTIONS } from './activity-options.ts';
import { runSearchAttributes } from './automation/run-attributes.ts';
import type { AutomationRunInput, PollWorkflowInput } from './contracts.ts';
import { declareVersioningBehavior } from './versioning.ts';

const { pollTrigger, commitPollState } = proxyActivities<Activities>(POLL_ACTIVITY_OPTIONS);

/** How many runs this poll started (or found started) and how many item ids it committed. */
export interface PollWorkflowResult {
  runs: number;
  newIds: number;
}

export async function pollTriggerWorkflow(input: PollWorkflowInput): Promise<PollWorkflowResult> {
  const { commit, items, trigger } = await pollTrigger(input);
  for (const item of items) {
    const run: AutomationRunInput = {
      automationId: input.automationId,
      version: input.version,
      input: {},
      trigger: { type: 'poll', connectionId: trigger.connectionId, trigger: trigger.key, id: item.id, payload: item.payload, at: item.at },
      attributesAtStart: true,
    };
    try {
      await startChild(WORKFLOW_TYPES.automation, {
        workflowId: runWorkflowId(input.automationId, pollRunKey(item.key)),
        args: [run],
        parentClosePolicy: 'ABANDON',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        staticSummary: `${input.automationId} v${input.version} ← ${trigger.key} ${item.id}`,
        typedSearchAttributes: runSearchAttributes(run),
        // Only items of automations with priority or fairness carry one (and reach patched()).
        ...(item.priority && patched(POLL_RUN_PRIORITY_PATCH) ? { priority: item.priority } : {}),
      });
    } catch (err) {
      // Started by an earlier poll (a retried or crashed one): one run per item id.
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  }
  if (!commit.unchanged) await commitPollState(commit);
  return { runs: items.length, newIds: commit.newIds.length };
}

declareVersioningBehavior('AUTO_UPGRADE', pollTriggerWorkflow);
