/**
 * `debounce` and `batch` on a webhook automation: how deliveries are collected before a
 * run starts (docs/concepts/flow-control.md#debounce-and-batching). The schemas state the
 * shapes; {@link collectProblems} the ranges and the rules across fields. The workflow
 * that collects is workflows/collector.ts, routing to it src/automations/collect.ts.
 */
import { z } from 'zod';
import { DURATION_RE, durationMs } from '../../workflows/automation/duration.ts';
import { checkTemplates } from '../../workflows/automation/template.ts';
import type { AutomationDefinition } from '../../workflows/automation/types.ts';

/** Bounds of the collecting settings (documented in docs/concepts/flow-control.md). */
export const COLLECT_LIMITS = {
  /** Shortest and longest `debounce.period` and `batch.timeout`. */
  minWindow: '1s',
  maxWindow: '24h',
  /** Longest `debounce.maxWait` (it is at least the period). */
  maxMaxWait: '7d',
  /** Largest `batch.maxSize`. */
  maxBatchSize: 1000,
} as const;

const duration = z.string().regex(DURATION_RE, 'must be a duration such as 30s, 10m, 2h or 3d');

export const debounceSchema = z
  .object({
    key: z.string().min(1).describe('template of the key events are collapsed by, e.g. {{ trigger.payload.issue.number }}'),
    period: duration.describe(`quiet time after the last event before the run starts (${COLLECT_LIMITS.minWindow}..${COLLECT_LIMITS.maxWindow})`),
    maxWait: duration.optional().describe(`longest a steady stream may postpone the run, from its first event (period..${COLLECT_LIMITS.maxMaxWait}; default: no bound)`),
  })
  .strict();

export const batchSchema = z
  .object({
    maxSize: z.number().int().min(1).max(COLLECT_LIMITS.maxBatchSize).describe('most events one run receives'),
    timeout: duration.describe(`longest the first event of a batch waits for more (${COLLECT_LIMITS.minWindow}..${COLLECT_LIMITS.maxWindow})`),
    key: z.string().min(1).optional().describe('template of the key events are batched by (default: one batch per automation)'),
  })
  .strict();

function within(path: string, text: string, min: string, max: string, problems: string[]): void {
  const ms = durationMs(text);
  if (ms < durationMs(min) || ms > durationMs(max)) problems.push(`${path}: ${text} is out of range (${min} to ${max})`);
}

/** Ranges, the trigger type and the key templates of `debounce` and `batch` (schema-valid shapes). */
export function collectProblems(def: AutomationDefinition): string[] {
  const problems: string[] = [];
  const { debounce, batch } = def;
  for (const [name, spec] of [
    ['debounce', debounce],
    ['batch', batch],
  ] as const) {
    if (spec && def.trigger.type !== 'webhook') problems.push(`${name}: only a webhook automation can use ${name} (this trigger is ${def.trigger.type})`);
  }
  if (debounce && batch) problems.push('batch: use either debounce or batch, not both');
  if (debounce) {
    within('debounce.period', debounce.period, COLLECT_LIMITS.minWindow, COLLECT_LIMITS.maxWindow, problems);
    if (debounce.maxWait !== undefined) within('debounce.maxWait', debounce.maxWait, debounce.period, COLLECT_LIMITS.maxMaxWait, problems);
    checkTemplates(debounce.key, 'debounce.key', problems);
  }
  if (batch) {
    within('batch.timeout', batch.timeout, COLLECT_LIMITS.minWindow, COLLECT_LIMITS.maxWindow, problems);
    if (batch.key !== undefined) checkTemplates(batch.key, 'batch.key', problems);
  }
  return problems;
}
