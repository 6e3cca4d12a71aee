/**
 * The run's side of `concurrency` (docs/concepts/flow-control.md): render the key, ask the
 * keeper for a slot (one activity) and wait for the grant signal. Only runs whose definition
 * has `concurrency` get here, so runs without it issue no extra command.
 */
import { ApplicationFailure, condition, patched, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { CONCURRENCY_KEY_ATTRIBUTE_PATCH } from '../../src/temporal/constants.ts';
import { SA } from '../../src/temporal/search-attributes.ts';
import type { Activities } from '../../activities/index.ts';
import { CONCURRENCY_REQUEST_ACTIVITY_OPTIONS } from '../activity-options.ts';
import {
  CONCURRENCY_KEY_INVALID,
  concurrencyKeeperId,
  DEFAULT_CONCURRENCY_KEY,
  MAX_CONCURRENCY_KEY_LENGTH,
  slotGrantedSignal,
  type RunConcurrency,
} from './concurrency-contracts.ts';
import { renderString, type TemplateContext } from './template.ts';
import type { AutomationDefinition } from './types.ts';

const { requestConcurrencySlot } = proxyActivities<Activities>(CONCURRENCY_REQUEST_ACTIVITY_OPTIONS);

/** The rendered key: a non-empty string or a finite number, at most MAX_CONCURRENCY_KEY_LENGTH characters; else the run fails. */
export async function renderConcurrencyKey(template: string | undefined, context: TemplateContext): Promise<string> {
  if (template === undefined) return DEFAULT_CONCURRENCY_KEY;
  let value: unknown;
  try {
    value = await renderString(template, context);
  } catch (err) {
    throw ApplicationFailure.create({ type: CONCURRENCY_KEY_INVALID, nonRetryable: true, message: `concurrency.key could not be rendered: ${(err as Error).message}` });
  }
  const key = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  if (typeof key !== 'string' || key.trim() === '') {
    const got = value === undefined ? 'nothing' : typeof value === 'string' ? 'an empty string' : `a ${value === null ? 'null' : Array.isArray(value) ? 'list' : typeof value}`;
    throw ApplicationFailure.create({ type: CONCURRENCY_KEY_INVALID, nonRetryable: true, message: `concurrency.key rendered to ${got}; it must be a non-empty string or a number` });
  }
  if (key.length > MAX_CONCURRENCY_KEY_LENGTH) {
    throw ApplicationFailure.create({ type: CONCURRENCY_KEY_INVALID, nonRetryable: true, message: `concurrency.key rendered to ${key.length} characters; at most ${MAX_CONCURRENCY_KEY_LENGTH}` });
  }
  return key;
}

/**
 * Waits until the run holds a slot of its key. `place` is updated for the run state
 * (queued, then running). The keeper frees the slot when the run closes.
 */
export async function holdConcurrencySlot(
  definition: AutomationDefinition,
  run: { automationId: string; workflowId: string },
  context: TemplateContext,
  place: { current?: RunConcurrency },
): Promise<void> {
  const spec = definition.concurrency!;
  let granted = false;
  setHandler(slotGrantedSignal, () => {
    granted = true;
  });
  const key = await renderConcurrencyKey(spec.key, context);
  place.current = { key, keeperId: concurrencyKeeperId(run.automationId, key), status: 'queued' };
  // Findable by its key (`GET /runs?concurrencyKey=`); keys are at most 200 characters, within a Keyword's limit.
  if (patched(CONCURRENCY_KEY_ATTRIBUTE_PATCH)) upsertSearchAttributes([{ key: SA.concurrencyKey, value: key }]);
  // The start time lines the run up with its key's other runs (FIFO by start).
  await requestConcurrencySlot({ automationId: run.automationId, key, limit: spec.limit, workflowId: run.workflowId, startedAt: workflowInfo().startTime.getTime() });
  await condition(() => granted);
  place.current = { ...place.current, status: 'running' };
}
