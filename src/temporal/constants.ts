/**
 * Names shared by workflows, the API, the CLI and tests: workflow-id prefixes and
 * builders. Pure module: safe to import from workflow code.
 */

export const WORKFLOW_ID_PREFIX = {
  event: 'wh',
  run: 'run',
  action: 'action',
  selfCheck: 'selfcheck',
  ingest: 'ingest',
} as const;

/** `wh:<connector>:<connectionId>:<deliveryId>` */
export function eventWorkflowId(connector: string, connectionId: string, deliveryId: string): string {
  return `${WORKFLOW_ID_PREFIX.event}:${connector}:${connectionId}:${deliveryId}`;
}

/** `run:<automationId>:<key>` */
export function runWorkflowId(automationId: string, key: string): string {
  return `${WORKFLOW_ID_PREFIX.run}:${automationId}:${key}`;
}

/** Workflow type names, for starts by name across modules. */
export const WORKFLOW_TYPES = {
  /** One per verified webhook delivery / emitted event; routes it to subscribed automations. */
  event: 'eventWorkflow',
  /** The automation interpreter: runs one pinned automation version. */
  automation: 'automationWorkflow',
  /** One-step run of a connector action (POST /connections/:id/actions/:action). */
  action: 'connectorActionWorkflow',
} as const;
