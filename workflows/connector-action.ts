import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import { declareVersioningBehavior } from './versioning.ts';
import type { Activities } from '../activities/index.ts';
import { CONNECTOR_ACTION_ACTIVITY_OPTIONS } from './activity-options.ts';

const { runConnectorAction } = proxyActivities<Activities>(CONNECTOR_ACTION_ACTIVITY_OPTIONS);

/** Input of {@link connectorActionWorkflow}: ids and the action input, never secrets. */
export interface ConnectorActionWorkflowInput {
  connectionId: string;
  action: string;
  input: unknown;
}

export interface ConnectorActionWorkflowOutput {
  output: unknown;
  workflowId: string;
}

/**
 * A one-step workflow that runs one connector action with the default connector
 * retry policy (`POST /api/v1/connections/:id/actions/:action`).
 *
 * Versioned workers: AUTO_UPGRADE. One activity and a return: nothing a later release can
 * reorder without `patched()`, and an action retrying through a provider outage should not
 * keep an old version's workers alive.
 */
export async function connectorActionWorkflow(args: ConnectorActionWorkflowInput): Promise<ConnectorActionWorkflowOutput> {
  const output = await runConnectorAction({ connectionId: args.connectionId, action: args.action, input: args.input });
  return { output, workflowId: workflowInfo().workflowId };
}
declareVersioningBehavior('AUTO_UPGRADE', connectorActionWorkflow);
