/** Names of code-first workflow runs. Pure module: workflows and the API import it. */

/** The `SwitchboardAutomationId` (and run state `automationId`) of a code workflow's runs: `workflow:<name>`. */
export const CODE_WORKFLOW_PREFIX = 'workflow:';

/**
 * Memo of a code workflow run set by its starter (the workflows API, the `workflow` step):
 * `{ actionQueues }`, connection id and name → task queue of its rate-limited actions, as
 * `actionQueues` of an automation run's input. Absent: every action runs on the run's queue.
 */
export const CODE_RUN_MEMO = 'switchboardCodeRun';

/** The memo's value. */
export interface CodeRunMemo {
  actionQueues?: Record<string, string> | undefined;
}
