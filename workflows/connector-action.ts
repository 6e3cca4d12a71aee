import { patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import { declareVersioningBehavior } from './versioning.ts';
import type { Activities } from '../activities/index.ts';
import { CONNECTOR_ACTION_ACTIVITY_OPTIONS } from './activity-options.ts';
import { RATE_LIMIT_QUEUE_PATCH } from '../src/temporal/constants.ts';

const { runConnectorAction } = proxyActivities<Activities>(CONNECTOR_ACTION_ACTIVITY_OPTIONS);

/** Input of {@link connectorActionWorkflow}: ids and the action input, never secrets. */
export interface ConnectorActionWorkflowInput {
  connectionId: string;
  action: string;
  input: unknown;
  /** The rate-limited connection's task queue (absent: the workflow's own queue). */
  taskQueue?: string | undefined;
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
  const call = { connectionId: args.connectionId, action: args.action, input: args.input };
  const output =
    args.taskQueue !== undefined && patched(RATE_LIMIT_QUEUE_PATCH)
      ? await runConnectorAction.executeWithOptions({ ...CONNECTOR_ACTION_ACTIVITY_OPTIONS, taskQueue: args.taskQueue }, [call])
      : await runConnectorAction(call);
  return { output, workflowId: workflowInfo().workflowId };
}
declareVersioningBehavior('AUTO_UPGRADE', connectorActionWorkflow);
