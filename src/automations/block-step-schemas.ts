/**
 * zod schemas of the block step types (`try`, `switch`, `stop`) for the automation
 * definition language; their executors are in workflows/automation/steps/blocks.ts.
 *
 * @example
 * { id: 'guard', type: 'try', steps: [...], catch: [...], finally: [...] }
 * { id: 'route', type: 'switch', value: '{{ trigger.payload.priority }}', cases: [{ equals: 'P1', steps: [...] }], default: [...] }
 * { id: 'done', type: 'stop', status: 'completed', output: '{{ steps.fetch.output.body }}' }
 */
import { z } from 'zod';
import type { ZodObject, ZodType } from 'zod';
import { jsonEqual } from '../../workflows/automation/steps/blocks.ts';
import type { Step } from '../../workflows/automation/types.ts';

/** Builds the three step schemas on the common step fields and the (recursive) step list schema. */
export function blockStepSchemas(stepBase: ZodObject, steps: ZodType<Step[]>) {
  const caseSchema = z
    .object({ equals: z.unknown().describe('The value (any JSON) the rendered `value` must deep-equal'), steps })
    .strict()
    .refine((c) => c.equals !== undefined, { message: 'a case needs `equals`', path: ['equals'] });
  return [
    stepBase
      .extend({
        type: z.literal('try'),
        steps: steps.refine((l) => l.length > 0, 'a try block needs at least one step in `steps`'),
        catch: steps.optional().describe('Runs when a step of `steps` fails; `{{ error.code }}`, `{{ error.message }}`, `{{ error.step }}` are in scope'),
        finally: steps.optional().describe('Always runs: after `steps`/`catch`, on failure, goto, stop and cancellation'),
      })
      .strict(),
    stepBase
      .extend({
        type: z.literal('switch'),
        value: z.string().min(1).describe('Template whose rendered value selects the case'),
        cases: z.array(caseSchema).min(1),
        default: steps.optional(),
      })
      .strict()
      .superRefine((s, ctx) => {
        const cases = (s as { cases: { equals: unknown }[] }).cases;
        cases.forEach((c, j) => {
          const first = cases.findIndex((other) => jsonEqual(other.equals, c.equals));
          if (first < j) ctx.addIssue({ code: 'custom', message: `duplicate case: equals the same value as cases[${first}]`, path: ['cases', j, 'equals'] });
        });
      }),
    stepBase
      .extend({
        type: z.literal('stop'),
        status: z.enum(['completed', 'failed']),
        output: z.unknown().optional().describe('Template: the run result (status completed)'),
        reason: z.string().optional().describe('Why the run stopped (the failure message of status failed)'),
      })
      .strict(),
  ];
}
