/**
 * Types shared by the event router, the automation interpreter, activities and the
 * API. Pure module.
 */
import type { NormalizedEvent } from '../connectors/sdk/events.ts';

export type { NormalizedEvent };

/** What started an automation run. */
export type RunTrigger =
  | { type: 'webhook'; event: NormalizedEvent }
  | { type: 'schedule'; scheduledAt?: string | undefined }
  | { type: 'manual'; principal?: string | undefined }
  | { type: 'automation'; parentWorkflowId: string };

/** Input of the automation interpreter workflow (`WORKFLOW_TYPES.automation`). */
export interface AutomationRunInput {
  automationId: string;
  /** The pinned version: the run executes exactly this definition. */
  version: number;
  input: unknown;
  trigger: RunTrigger;
  /** A budget for this run only, given at start; the automation's own budget still applies (the lower wins). */
  budget?: { maxTokens?: number | undefined } | undefined;
}

/** An automation subscribed to an event (answer of the routing activity). */
export interface Subscriber {
  automationId: string;
  version: number;
}
