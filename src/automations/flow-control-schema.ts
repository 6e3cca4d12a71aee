/**
 * Flow control on an automation (docs/concepts/flow-control.md): `concurrency` (at most
 * `limit` runs in flight per rendered `key`), `priority` (1 = first … 5 = last) and
 * `fairness` (a key and weight the task queues balance by). The schemas are fields of
 * the definition (src/automations/definition.ts); {@link flowControlProblems} checks what
 * a schema cannot state: the key templates parse and read only what a run has at start.
 */
import { z } from 'zod';
import { checkTemplates, contextPathsUsed } from '../../workflows/automation/template.ts';
import { MAX_CONCURRENCY_KEY_LENGTH } from '../../workflows/automation/concurrency-contracts.ts';

/** The largest `concurrency.limit`: beyond it the keeper's bookkeeping is no longer worth it (no limit at all is the default). */
export const MAX_CONCURRENCY_LIMIT = 1000;

/** Longest key template (the rendered key is bounded by `MAX_CONCURRENCY_KEY_LENGTH`). */
const MAX_KEY_TEMPLATE_LENGTH = 1000;

export const concurrencySchema = z
  .object({
    limit: z.number().int().min(1).max(MAX_CONCURRENCY_LIMIT).describe(`runs in flight at once per key (1..${MAX_CONCURRENCY_LIMIT})`),
    key: z
      .string()
      .min(1)
      .max(MAX_KEY_TEMPLATE_LENGTH)
      .optional()
      .describe(`template over input and trigger (\`{{ trigger.payload.customer }}\`); must render to a non-empty string or a number of at most ${MAX_CONCURRENCY_KEY_LENGTH} characters; without it: one key per automation`),
  })
  .strict()
  .describe('at most `limit` runs in flight per rendered `key`; the others wait in FIFO order');

export const prioritySchema = z.number().int().min(1).max(5).describe("Temporal task queue priority of the run's workflow and activity tasks: 1 first … 5 last (default 3)");

export const fairnessSchema = z
  .object({
    key: z.string().min(1).max(MAX_KEY_TEMPLATE_LENGTH).describe('template over input and trigger; tasks of different keys share the workers by weight'),
    weight: z.number().min(0.001).max(1000).optional().describe('share of this key relative to others (default 1)'),
  })
  .strict()
  .describe('Temporal task queue fairness of the run: a burst of one key does not starve the others');

/** The key templates of a definition: they must parse and may read only `input`, `trigger` and `run`. */
export function flowControlProblems(def: { concurrency?: { key?: string | undefined } | undefined; fairness?: { key: string } | undefined }): string[] {
  const problems: string[] = [];
  const keys: [string, string | undefined][] = [
    ['concurrency.key', def.concurrency?.key],
    ['fairness.key', def.fairness?.key],
  ];
  for (const [where, key] of keys) {
    if (key === undefined) continue;
    const before = problems.length;
    checkTemplates(key, where, problems);
    if (problems.length > before) continue;
    const used = contextPathsUsed(key);
    if (used !== 'all' && [...used].some((p) => p === 'steps' || p.startsWith('steps.'))) {
      problems.push(`${where}: is rendered when the run starts, before any step ran; use input or trigger, not steps`);
    }
  }
  return problems;
}
