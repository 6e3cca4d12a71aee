/**
 * Routing at intake: the start options of the runs a verified webhook event starts, each
 * with its pinned definition in the input, instead of an event workflow plus a look-up
 * activity per event (see bench/README.md). Which automations those are is answered by the
 * one resolver of subscriptions, `services.subscriptions` (src/automations/resolver.ts).
 */
import { eventWorkflowId, runWorkflowId } from '../temporal/constants.ts';
import type { IdempotentStartOptions } from '../temporal/idempotent-start.ts';
import { runSearchAttributes } from '../../workflows/automation/run-attributes.ts';
import type { AutomationRunInput, NormalizedEvent } from '../../workflows/contracts.ts';
import type { RouteTarget } from './resolver.ts';

/** Memo key of an event workflow: the disabled automations that subscribed to the event (they started nothing). */
export const DISABLED_AUTOMATIONS_MEMO = 'disabledAutomations';

/** Memo key of an event workflow: the parked runs intake resumed with the event (workflow ids). */
export const RESUMED_RUNS_MEMO = 'resumedRuns';

/**
 * Start options of a webhook-triggered run, as the intake starts it: the id the event
 * router would have given it (`run:<automationId>:wh:<connector>:<connectionId>:<deliveryId>`),
 * the pinned definition in the input, and every search attribute as a start option; with
 * `approvalLinksFor`, the signed links of its approval steps (src/approvals/links.ts).
 */
export function webhookRunStartOptions(
  event: NormalizedEvent,
  target: RouteTarget,
  taskQueue: string,
  actionQueues?: Record<string, string>,
  approvalLinksFor?: (workflowId: string, definition: Record<string, unknown>) => Record<string, unknown> | undefined,
): IdempotentStartOptions & { workflowId: string } {
  const eventId = eventWorkflowId(event.source.connector, event.source.connectionId, event.id);
  const workflowId = runWorkflowId(target.automationId, eventId);
  const approvalLinks = approvalLinksFor?.(workflowId, target.pinned.definition);
  const args: AutomationRunInput = {
    automationId: target.automationId,
    version: target.version,
    input: event.payload,
    trigger: { type: 'webhook', event },
    pinned: target.pinned,
    attributesAtStart: true,
    ...(actionQueues ? { actionQueues } : {}),
    ...(approvalLinks ? { approvalLinks } : {}),
  };
  return {
    taskQueue,
    workflowId,
    args: [args],
    staticSummary: `${target.pinned.name} v${target.version} ← ${event.type}`,
    staticDetails: [
      `**Automation** ${target.pinned.name} (\`${target.automationId}\`), version ${target.version}`,
      `**Trigger** webhook \`${event.type}\``,
      `**Event** \`${event.id}\` from ${event.source.connector} \`${event.source.connectionId}\`, received ${event.receivedAt}`,
    ].join('\n\n'),
    typedSearchAttributes: runSearchAttributes(args),
  };
}
