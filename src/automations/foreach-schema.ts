/**
 * zod schema of the `foreach` step (docs/concepts/loops.md); its executor is
 * workflows/automation/steps/foreach.ts.
 *
 * @example
 * { id: 'subtasks', type: 'foreach', items: '{{ trigger.payload.line_items }}', concurrency: 5,
 *   steps: [{ id: 'create', type: 'action', connection: 'jira', action: 'create_issue', input: { summary: '{{ item.title }}' } }],
 *   output: '{{ steps.create.output.key }}' }
 */
import { z } from 'zod';
import type { ZodObject } from 'zod';
import { allSteps } from '../../workflows/automation/interpreter.ts';
import type { Step } from '../../workflows/automation/types.ts';

/** Most iterations of one loop running at once. */
export const MAX_LOOP_CONCURRENCY = 50;
/** Names the loop variable cannot take: they are the template context's own. */
const RESERVED_LOOP_NAMES = new Set(['input', 'trigger', 'steps', 'run', 'index']);
/** Step types that cannot run inside a loop body, and why. */
const NOT_IN_LOOPS: Record<string, string> = {
  approval: 'approvals are decided on the run, one per step id: put the approval before or after the loop',
};

const ITEMS_MESSAGE = 'must be a template ({{ … }}) rendering to an array, or an array';

export function foreachStepSchema(stepBase: ZodObject, steps: z.ZodType<Step[]>) {
  return stepBase
    .extend({
      type: z.literal('foreach'),
      items: z
        .union([z.string().regex(/\{\{[\s\S]+\}\}/, ITEMS_MESSAGE), z.array(z.unknown())], { error: ITEMS_MESSAGE })
        .describe('a template rendering to an array, or an array'),
      as: z
        .string()
        .regex(/^[A-Za-z_]\w{0,63}$/, 'must be a name: letters, digits and _')
        .refine((n) => !RESERVED_LOOP_NAMES.has(n), { message: `cannot be one of ${[...RESERVED_LOOP_NAMES].join(', ')}` })
        .optional()
        .describe('name of the loop variable (default item)'),
      concurrency: z.number().int().min(1).max(MAX_LOOP_CONCURRENCY).optional().describe(`iterations at once, 1..${MAX_LOOP_CONCURRENCY} (default 1)`),
      steps: steps.check(z.minLength(1, 'a foreach needs at least one step')),
      output: z.unknown().optional().describe("per item, a template over the iteration (default: the last body step's output)"),
      onItemError: z.enum(['fail', 'continue']).optional(),
    })
    .strict()
    .superRefine((s, ctx) => {
      for (const inner of allSteps(s.steps as Step[])) {
        const why = NOT_IN_LOOPS[inner.type];
        if (why) ctx.addIssue({ code: 'custom', path: ['steps'], message: `step ${inner.id}: ${inner.type} steps cannot run inside a foreach (${why})` });
      }
    });
}
