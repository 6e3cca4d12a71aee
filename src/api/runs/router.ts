import { z } from 'zod';
import { cancelRun, getRun } from '../../automations/runs.ts';
import { listRunsPage, MAX_RUN_PAGE, RUN_STATUSES, RUN_TRIGGER_TYPES } from '../../automations/run-list.ts';
import { bulkCancelProgress, cancelRunsBulk } from '../../automations/run-cancel.ts';
import { loopIterationsOf } from '../../automations/loop-iterations.ts';
import { redriveFailedRuns, redriveRun } from '../../automations/redrive.ts';
import { AutomationService } from '../../automations/service.ts';
import type { Services } from '../../services.ts';
import { getOne, route } from '../http.ts';
import { idString, runIdsShape } from '../ids.ts';
import { visibilityTime } from '../../schemas/time-filter.ts';
import { CONTROL } from '../../schemas/ids.ts';

const stepSchema = z.object({
  id: z.string(),
  type: z.string(),
  status: z.string(),
  attempts: z.number().int(),
  output: z.unknown().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  progress: z
    .object({ done: z.number().int(), failed: z.number().int(), total: z.number().int() })
    .optional()
    .describe('a foreach loop: items done, failed and in total (each iteration\'s steps: GET /runs/:workflowId/loops/:stepId)'),
  transcript: z
    .array(z.object({ kind: z.enum(['model', 'tool', 'approval', 'memory']), at: z.string() }).loose())
    .optional()
    .describe("an agent step's model turns, tool calls, approvals, results and memory summaries so far (docs/concepts/agents.md)"),
});
const approvalSchema = z
  .object({
    stepId: z.string(),
    approvers: z.array(z.string()),
    quorum: z.number().int(),
    expiresAt: z.string(),
    message: z.string().optional(),
    title: z.string().optional().describe("the step's rendered title"),
    description: z.string().optional().describe("the step's rendered description"),
    context: z.array(z.object({ label: z.string(), value: z.string() })).optional().describe("the step's rendered context"),
    form: z.record(z.string(), z.unknown()).optional().describe("the step's form (JSON Schema) the approver fills when deciding"),
    refused: z.array(z.string()).optional().describe('who may not decide (selfApproval: false): the run\'s starter and earlier approvals\' deciders'),
    decisions: z.array(z.unknown()),
    escalatedAt: z.string().optional(),
  })
  .meta({ id: 'PendingApproval' });
const eventWaitSchema = z
  .object({ stepId: z.string(), event: z.string(), key: z.string(), connection: z.string().optional(), deadline: z.string() })
  .meta({ id: 'PendingEventWait' });
const runSchema = z
  .object({
    ...runIdsShape,
    status: z.string(),
    automationId: z.string(),
    name: z.string().optional().describe("the automation's name"),
    version: z.number().int(),
    steps: z.array(stepSchema),
    pendingApprovals: z.array(approvalSchema),
    waitingFor: z.array(eventWaitSchema).optional().describe('the events a waiting run is parked on (wait_for_event steps)'),
    result: z.unknown().optional(),
    usage: z
      .object({ inputTokens: z.number().int(), outputTokens: z.number().int(), cost: z.number().optional().describe('money spent on agent model calls'), currency: z.string().optional() })
      .describe('LLM tokens used by the run (provider-reported) and, for agent steps, their cost'),
    input: z.unknown().optional().describe('the input the run was started with'),
    trigger: z
      .object({ type: z.enum(['webhook', 'schedule', 'manual', 'automation', 'poll']), test: z.literal(true).optional() })
      .loose()
      .optional()
      .describe('what started the run; for webhooks `event` (type, id, source, receivedAt, payload); for polls the item (`id`, `payload`, `connectionId`, `trigger`); `test: true` for a test event'),
    redriveOf: z.string().optional().describe('the run this run re-drives'),
    fromStep: z.string().optional().describe('the step a re-drive started at; the steps before it kept the results of `redriveOf` and did not run again'),
    redrivenBy: z.array(z.string()).describe('runs that re-drive this run, newest first'),
    concurrency: z
      .object({
        key: z.string().describe('the rendered concurrency key'),
        status: z.enum(['queued', 'running']),
        queuedBehind: z.number().int().optional().describe('while queued: runs ahead of this one (in flight, or earlier in line)'),
      })
      .optional()
      .describe('for automations with `concurrency`: the run\'s key and its place'),
  })
  .meta({ id: 'Run' });
const redriveBody = z
  .object({
    version: z.enum(['pinned', 'current']).optional().describe("`pinned` (default): the failed run's version; `current`: the automation's current version"),
    force: z.boolean().optional().describe('start another re-drive although this run was re-driven before'),
    fromStep: z
      .string()
      .regex(/^[A-Za-z_][\w-]{0,63}$/, 'must be a step id')
      .optional()
      .describe('the top-level step to start at (default: the step that failed); the steps before it are not executed again, the new run gets their recorded results'),
  })
  .strict()
  .meta({ id: 'Redrive' });
const redriveSchema = z
  .object({
    ...runIdsShape,
    redriveOf: z.string(),
    version: z.number().int(),
    fromStep: z.string().optional().describe('the step the re-drive started at (absent: from the first step)'),
    duplicate: z.boolean().describe('true: the run was re-driven before and that re-drive answers'),
  })
  .meta({ id: 'RedriveResult' });
const bulkCancelSchema = z
  .object({
    jobId: z.string().nullable().describe('the batch job; null when no run matched'),
    state: z.enum(['running', 'completed', 'failed']),
    count: z.number().int().describe('runs found'),
    done: z.number().int().describe('cancellations requested so far'),
    failed: z.number().int().describe('runs that could not be cancelled (ended meanwhile)'),
    startedAt: z.string().optional(),
    closedAt: z.string().optional(),
  })
  .meta({ id: 'BulkCancelProgress' });
const wfParams = z.object({ workflowId: idString });
const triggerKeyString = z
  .string()
  .min(1)
  .max(1000)
  .regex(new RegExp(`^[^${CONTROL}]+$`), 'must not contain control characters');
const automationsOf = (services: Services) => AutomationService.of(services);

export function runRoutes(services: Services) {
  return [
    route({
      method: 'get',
      path: '/runs',
      summary: 'List runs (Temporal visibility)',
      tags: ['runs'],
      scope: 'runs:read',
      description: 'Newest first, `limit` per page (default 100); pass `nextCursor` back as `cursor` with the same filters for the next page (null: the last page). All filters are one visibility query.',
      query: z.object({
        automationId: idString.optional(),
        status: z.enum(RUN_STATUSES).optional(),
        since: visibilityTime.optional().describe('started at or after (ISO-8601)'),
        until: visibilityTime.optional().describe('started before (ISO-8601)'),
        eventType: z.string().min(1).max(200).optional().describe('webhook runs of this event type'),
        triggerType: z.enum(RUN_TRIGGER_TYPES).optional(),
        connectionId: idString.optional().describe('webhook runs whose event came through this connection'),
        triggerKey: triggerKeyString.optional().describe('debounced or batched runs of this rendered key (`SwitchboardTriggerKey`)'),
        concurrencyKey: triggerKeyString.max(200).optional().describe('runs of automations with `concurrency` whose key rendered to this (`SwitchboardConcurrencyKey`; `*` without `concurrency.key`)'),
        cursor: z.string().min(1).max(4096).optional().describe('`nextCursor` of the previous page'),
        limit: z.coerce.number().int().min(1).max(MAX_RUN_PAGE).optional(),
      }),
      temporal: true,
      responses: {
        200: {
          description: 'One page of runs, newest first',
          schema: z.object({ items: z.array(z.record(z.string(), z.unknown())), nextCursor: z.string().nullable().describe('the next page; null on the last') }),
        },
      },
      handler: async ({ query }) => ({ body: await listRunsPage(services, query) }),
    }),
    getOne({
      path: '/runs/:workflowId',
      summary: 'Status of a run: steps, attempts, outputs, pending approvals, result',
      tags: ['runs'],
      scope: 'runs:read',
      params: wfParams,
      temporal: true,
      noun: 'run',
      schema: runSchema,
      load: ({ workflowId }) => getRun(services, workflowId),
    }),
    route({
      method: 'get',
      path: '/runs/:workflowId/loops/:stepId',
      summary: "A foreach loop's iterations, a page at a time, with each iteration's steps",
      description: 'Inside another loop, name the loop by its path (`outer[2].inner`). Iterations of a long loop ran in batch workflows; each names its `batchWorkflowId`.',
      tags: ['runs'],
      scope: 'runs:read',
      params: wfParams.extend({ stepId: z.string().regex(/^[A-Za-z_][\w.[\]-]{0,299}$/, 'must be a loop step id or its path (outer[2].inner)') }),
      query: z.object({ from: z.coerce.number().int().min(0).max(1_000_000).optional(), limit: z.coerce.number().int().min(1).max(100).optional() }),
      temporal: true,
      responses: {
        200: {
          description: 'The loop progress and the iterations from `from` (default 0), at most `limit` (default 20)',
          schema: z
            .object({
              stepId: z.string(),
              progress: z.object({ done: z.number().int(), failed: z.number().int(), total: z.number().int() }).optional(),
              iterations: z.array(z.object({ index: z.number().int(), steps: z.array(stepSchema).optional(), batchWorkflowId: z.string().optional() })),
            })
            .meta({ id: 'LoopIterations' }),
        },
        404: { description: 'No such run or loop' },
      },
      handler: async ({ params, query }) => ({ body: await loopIterationsOf(services, params.workflowId, { stepId: params.stepId, ...query }) }),
    }),
    route({
      method: 'post',
      path: '/runs/redrive',
      summary: 'Bulk re-drive: re-drive the failed runs a filter finds',
      description: 'Re-drives failed runs (newest first, at most `limit`), one at a time. Idempotent per source run: a run re-driven before answers its earlier re-drive (`duplicate: true`), so repeating the call starts nothing twice.',
      tags: ['runs'],
      scope: 'runs:write',
      body: z
        .object({
          automationId: idString.optional(),
          status: z.literal('failed').describe('only failed runs are re-driven in bulk'),
          since: visibilityTime.optional().describe('runs started at or after (ISO-8601)'),
          limit: z.number().int().min(1).max(1000),
          version: z.enum(['pinned', 'current']).optional(),
        })
        .strict()
        .meta({ id: 'BulkRedrive' }),
      temporal: true,
      responses: {
        200: {
          description: 'The re-drive of every run found',
          schema: z.object({ items: z.array(redriveSchema), started: z.number().int(), duplicates: z.number().int() }).meta({ id: 'BulkRedriveResult' }),
        },
      },
      handler: async ({ body }) => ({ body: await redriveFailedRuns(services, automationsOf(services), body) }),
    }),
    route({
      method: 'post',
      path: '/runs/cancel',
      summary: 'Bulk cancel: cancel the open runs a filter finds',
      description:
        'Counts the open runs the filter finds (the filters of `GET /runs`; `status` narrows to `running` or `waiting_approval`) and cancels them in a Temporal batch operation. Answers the count and a job id; `GET /runs/cancel/{jobId}` answers the progress. `filter` needs at least one criterion. One bulk operation runs at a time: another answers 409.',
      tags: ['runs'],
      scope: 'runs:write',
      body: z
        .object({
          filter: z
            .object({
              automationId: idString.optional(),
              status: z.enum(['running', 'waiting_approval']).optional(),
              since: visibilityTime.optional().describe('started at or after (ISO-8601)'),
              until: visibilityTime.optional().describe('started before (ISO-8601)'),
              eventType: z.string().min(1).max(200).optional(),
              triggerType: z.enum(RUN_TRIGGER_TYPES).optional(),
              connectionId: idString.optional(),
              triggerKey: triggerKeyString.optional(),
              concurrencyKey: triggerKeyString.max(200).optional(),
            })
            .strict()
            .refine((f) => Object.values(f).some((v) => v !== undefined), 'name at least one criterion (automationId, status, since, …)')
            .meta({ minProperties: 1 }),
        })
        .strict()
        .meta({ id: 'BulkCancel' }),
      temporal: true,
      responses: {
        202: { description: 'The runs found and the job cancelling them', schema: bulkCancelSchema },
        409: { description: 'Another bulk operation is still in progress' },
      },
      handler: async ({ body, principal }) => ({ status: 202, body: await cancelRunsBulk(services, body.filter, principal?.name ?? 'api') }),
    }),
    route({
      method: 'get',
      path: '/runs/cancel/:jobId',
      summary: 'Progress of a bulk cancel',
      tags: ['runs'],
      scope: 'runs:read',
      params: z.object({ jobId: idString.describe('a jobId answered by POST /runs/cancel') }),
      temporal: true,
      responses: {
        200: { description: 'The progress of the job', schema: bulkCancelSchema },
        404: { description: 'No such job' },
      },
      // An id that is not one of ours names no job: 404, like an unknown job.
      handler: async ({ params }) => ({ body: await bulkCancelProgress(services, params.jobId) }),
    }),
    route({
      method: 'post',
      path: '/runs/:workflowId/redrive',
      summary: 'Re-drive a failed run: a new run with the same input, linked both ways',
      description:
        "Starts a new run with the failed (cancelled, terminated, timed-out) run's input and trigger, pinned to its version unless `version` is `current`. It starts at `fromStep` (default: the top-level step that failed, or the block around a nested one): the steps before it are not executed again, the new run gets their recorded outputs. Steps are matched by id; `fromStep` must be a top-level step of the chosen version that the source run reached. The new run records `redriveOf` and `fromStep`; the source lists it in `redrivenBy`. Idempotent per source run: a second re-drive answers the first (`duplicate: true`) unless `force`.",
      tags: ['runs'],
      scope: 'runs:write',
      params: wfParams,
      body: redriveBody,
      temporal: true,
      responses: {
        202: { description: 'The re-drive (started now, or the earlier one)', schema: redriveSchema },
        404: { description: 'No such run' },
        409: { description: 'Run still running or completed, or `fromStep` cannot be resumed (not in the chosen version, inside a block, not reached by the run); the message says why' },
      },
      handler: async ({ params, body }) => ({ status: 202, body: await redriveRun(services, automationsOf(services), params.workflowId, body) }),
    }),
    route({
      method: 'post',
      path: '/runs/:workflowId/cancel',
      summary: 'Cancel a running run',
      tags: ['runs'],
      scope: 'runs:write',
      params: wfParams,
      temporal: true,
      responses: {
        202: { description: 'Cancellation requested', schema: z.object({ workflowId: z.string(), cancelRequested: z.literal(true) }) },
        404: { description: 'No such run' },
        409: { description: 'Run already closed' },
      },
      handler: async ({ params }) => {
        await cancelRun(services, params.workflowId);
        return { status: 202, body: { workflowId: params.workflowId, cancelRequested: true } };
      },
    }),

  ];
}
