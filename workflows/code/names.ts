/** Names of code-first workflow runs. Pure module: workflows and the API import it. */

/** The `SwitchboardAutomationId` (and run state `automationId`) of a code workflow's runs: `workflow:<name>`. */
export const CODE_WORKFLOW_PREFIX = 'workflow:';
