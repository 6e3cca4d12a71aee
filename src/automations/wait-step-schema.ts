/**
 * zod schema of the `wait_for_event` step (executor: workflows/automation/steps/wait-for-event.ts;
 * docs/concepts/waiting-for-events.md). `event` is a pattern as in webhook triggers;
 * `eventKey` and `if` must parse as JSONata. The timeout's upper bound (the dedupe
 * window) depends on the deployment and is checked by {@link checkEventWaitTimeouts}.
 *
 * @example
 * { id: 'merged', type: 'wait_for_event', event: 'github.pull_request.closed',
 *   key: '{{ trigger.payload.pull_request.number }}', eventKey: 'payload.pull_request.number',
 *   timeout: '3d', onTimeout: 'continue' }
 */
import { z } from 'zod';
import type { ZodObject } from 'zod';
import { DURATION_RE, durationMs } from '../../workflows/automation/duration.ts';
import { checkExpression } from '../../workflows/automation/template.ts';
import type { Step } from '../../workflows/automation/types.ts';
import type { DefinitionIssue } from './references.ts';

/** Dotted segments of letters, digits, `_`, `-`, or `*` (one segment; at the end, the rest). */
export const EVENT_PATTERN_RE = /^(\*|[\w-]+)(\.(\*|[\w-]+))*$/;

const jsonata = (what: string) =>
  z
    .string()
    .min(1)
    .superRefine((expr, ctx) => {
      const problems: string[] = [];
      checkExpression(expr, what, problems);
      for (const p of problems) ctx.addIssue({ code: 'custom', message: `not a valid JSONata expression (${p})` });
    });

export function waitStepSchemas(stepBase: ZodObject) {
  return [
    stepBase
      .extend({
        type: z.literal('wait_for_event'),
        event: z.string().regex(EVENT_PATTERN_RE, 'must be an event type pattern such as github.pull_request.closed or github.pull_request.*').describe('event type pattern'),
        connection: z.string().min(1).optional().describe('only events of this connection (id)'),
        key: z.string().min(1).describe('template: the key the event must carry'),
        eventKey: jsonata('eventKey').describe('JSONata over the incoming event (type, payload, deliveryId, connectionId, connector, receivedAt)'),
        if: jsonata('if').optional().describe('JSONata over `event` and the run context'),
        timeout: z.string().regex(DURATION_RE, 'must be a duration such as 30s, 10m, 2h or 3d'),
        onTimeout: z.enum(['fail', 'continue']).optional(),
      })
      .strict(),
  ];
}

/** Every `wait_for_event` step whose timeout exceeds the dedupe window, with its path. */
export function checkEventWaitTimeouts(steps: Step[], windowDays: number, where = 'steps'): DefinitionIssue[] {
  const issues: DefinitionIssue[] = [];
  const limit = windowDays * 86_400_000;
  steps.forEach((step, i) => {
    const s = step as unknown as Record<string, unknown>;
    if (step.type === 'wait_for_event' && typeof s['timeout'] === 'string' && DURATION_RE.test(s['timeout']) && durationMs(s['timeout']) > limit) {
      issues.push({ path: `${where}.${i}.timeout`, message: `must be at most the dedupe window of ${windowDays} day(s) (SWITCHBOARD_DEDUPE_WINDOW_DAYS): a redelivery after it would no longer be recognised` });
    }
    for (const [k, v] of Object.entries(s)) {
      if (k === 'branches' && Array.isArray(v)) v.forEach((b, j) => issues.push(...checkEventWaitTimeouts(b as Step[], windowDays, `${where}.${i}.branches.${j}`)));
      else if (Array.isArray(v) && v.every((x) => x && typeof x === 'object' && 'type' in x && 'id' in x)) issues.push(...checkEventWaitTimeouts(v as Step[], windowDays, `${where}.${i}.${k}`));
    }
  });
  return issues;
}
