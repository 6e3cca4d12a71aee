/**
 * Routing to collectors: a debounced or batched webhook automation does not start a run per
 * event; the event router's `routeEvent` activity hands the event to the automation's
 * collector for the event's key instead (signal-with-start on
 * `collect:<mode>:<automationId>:<key>`, workflows/collector.ts), which starts the run when
 * the window closes. Webhook intake sends such deliveries through the event workflow, which
 * records and de-duplicates them as before (docs/concepts/flow-control.md).
 */
import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { durationMs } from '../../workflows/automation/duration.ts';
import { renderString, type TemplateContext } from '../../workflows/automation/template.ts';
import type { AutomationDefinition } from '../../workflows/automation/types.ts';
import type { CollectorInput, NormalizedEvent } from '../../workflows/contracts.ts';
import type { Priority } from '@temporalio/common';
import { collectEventSignal } from '../../workflows/collector.ts';
import { runPriority } from './run-priority.ts';
import type { Logger } from '../logger.ts';
import { collectorWorkflowId, WORKFLOW_TYPES } from '../temporal/constants.ts';

/** Memo key of an event workflow: the automations that collect the event into a debounced or batched run. */
export const COLLECTING_AUTOMATIONS_MEMO = 'collectingAutomations';

/** Where a subscriber's event goes instead of a run of its own. */
export interface CollectTarget {
  workflowId: string;
  input: CollectorInput;
  /** The priority of a run carrying this event (the automation's `priority`, `fairness` rendered over it). */
  priority?: Priority | undefined;
}

/** Whether a definition collects its events (debounce or batch) rather than starting a run per event. */
export function collects(def: { debounce?: unknown; batch?: unknown }): boolean {
  return def.debounce !== undefined || def.batch !== undefined;
}

const READABLE_KEY = /^[\x21-\x7e]{1,100}$/;

/**
 * The key as rendered for an event. Strings are used as they are, numbers and booleans as
 * text; anything else (missing, null, empty, an object, a failing template) falls back to
 * the automation-wide key `''`: the event is still collected, never dropped or stuck.
 */
export async function renderCollectKey(template: string | undefined, event: NormalizedEvent, automationId: string, logger?: Logger): Promise<string> {
  if (template === undefined) return '';
  const ctx = { input: event.payload, trigger: { type: 'webhook', event: event.type, id: event.id, source: event.source, payload: event.payload, headers: event.headers ?? {} }, steps: {}, run: {} } as unknown as TemplateContext;
  let value: unknown;
  try {
    value = await renderString(template, ctx);
  } catch (err) {
    logger?.warn({ automationId, err: (err as Error).message }, 'collect key failed to render; using the automation-wide key');
    return '';
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string' && value !== '') return value;
  logger?.warn({ automationId, eventId: event.id }, 'collect key rendered to no usable string; using the automation-wide key');
  return '';
}

/** The collector of an automation's event, or undefined when the automation neither debounces nor batches. */
export async function collectTargetOf(def: AutomationDefinition, automationId: string, event: NormalizedEvent, logger?: Logger): Promise<CollectTarget | undefined> {
  const spec = def.debounce ?? def.batch;
  if (!spec) return undefined;
  const key = await renderCollectKey(spec.key, event, automationId, logger);
  // Keys go into workflow ids: printable and short as they are, else hashed.
  const idKey = READABLE_KEY.test(key) ? key : `sha256-${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
  const input: CollectorInput = def.debounce
    ? { automationId, mode: 'debounce', key, windowMs: durationMs(def.debounce.period), ...(def.debounce.maxWait ? { maxWaitMs: durationMs(def.debounce.maxWait) } : {}) }
    : { automationId, mode: 'batch', key, windowMs: durationMs(def.batch!.timeout), maxSize: def.batch!.maxSize };
  const priority = await runPriority(def, { automationId, input: event.payload, trigger: { type: 'webhook', event } });
  return { workflowId: collectorWorkflowId(input.mode, automationId, idKey), input, ...(priority ? { priority } : {}) };
}

/** Hands the event to its collector, starting it when none is open (signal-with-start). */
export async function collectEvent(client: Client, taskQueue: string, target: CollectTarget, event: NormalizedEvent, version: number): Promise<void> {
  await client.workflow.signalWithStart(WORKFLOW_TYPES.collector, {
    workflowId: target.workflowId,
    taskQueue,
    args: [target.input],
    signal: collectEventSignal,
    signalArgs: [{ event, version, ...(target.priority ? { priority: target.priority } : {}) }],
    staticSummary: `${target.input.mode} ${target.input.automationId} key ${JSON.stringify(target.input.key)}`,
  });
}
