/**
 * zod schema of the `workflow` step (executor: workflows/automation/steps/workflow.ts;
 * docs/guides/code-first.md): runs a code-first workflow of SWITCHBOARD_WORKFLOW_PACKAGES
 * as a child run, so a webhook (or schedule, or poll) automation starts it. The name is a
 * workflow the packages export (checked at save, src/automations/references.ts, and again
 * when the run reaches the step, by the worker that bundles them); `input` is rendered and checked against the package's input schema.
 *
 * @example
 * { id: 'payout', type: 'workflow', workflow: 'payout', input: { amount: '{{ trigger.payload.amount }}' } }
 */
import { z } from 'zod';
import type { ZodObject } from 'zod';

/** What a workflow name may be: a JavaScript identifier (an exported function). */
export const CODE_WORKFLOW_NAME_RE = /^[A-Za-z_$][\w$]{0,99}$/;

export function workflowStepSchema(stepBase: ZodObject) {
  return stepBase
    .extend({
      type: z.literal('workflow'),
      workflow: z.string().regex(CODE_WORKFLOW_NAME_RE, 'must be the name of a code workflow (an exported function, GET /api/v1/workflows)').describe('code workflow name (GET /api/v1/workflows)'),
      input: z.unknown().optional().describe("the workflow's input (templates rendered), checked against its input schema"),
    })
    .strict();
}
