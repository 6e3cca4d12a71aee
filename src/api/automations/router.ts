import { z } from 'zod';
import { definitionSchema, stepJsonSchemas, triggerSchema } from '../../automations/definition.ts';
import { IDEMPOTENCY_KEY_RE, startRun } from '../../automations/runs.ts';
import { AutomationService } from '../../automations/service.ts';
import { fairnessSchema, flowControlProblems, prioritySchema } from '../../automations/flow-control-schema.ts';
import { sendTestEvent } from '../../automations/test-event.ts';
import { ApiError } from '../../errors.ts';
import type { Services } from '../../services.ts';
import { linkTo, route } from '../http.ts';
import { idParams, idString, runIdsShape } from '../ids.ts';
import { idempotencyKeyReusedResponse } from '../temporal-responses.ts';

const automationSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    version: z.number().int(),
    trigger: triggerSchema,
    definition: definitionSchema,
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Automation' });
/** The body is the definition itself: its schema (a discriminated union of step types) is in the document. */
const definitionBody = definitionSchema;
const versionSummaryShape = {
  version: z.number().int(),
  name: z.string(),
  description: z.string().nullable(),
  triggerType: z.enum(['webhook', 'schedule', 'manual', 'poll']),
  current: z.boolean().describe('the version new runs use (of a deleted automation: the one current at deletion)'),
  createdAt: z.string(),
};
const versionSummarySchema = z.object(versionSummaryShape).meta({ id: 'AutomationVersionSummary' });
const versionSchema = z
  .object({ automationId: z.string(), ...versionSummaryShape, definition: definitionSchema })
  .meta({ id: 'AutomationVersion' });
const versionParams = z.object({ id: idString, version: z.string().regex(/^-?\d+$/, 'must be a whole number') });
const runStarted = z.object({ ...runIdsShape, duplicate: z.boolean().optional() }).meta({ id: 'RunStarted' });

/** What the routes that start a run of an automation share. */
const startsRun = { tags: ['runs'], scope: 'runs:write' as const, params: idParams, temporal: true };

/** `steps[0] (fetch).when` → `steps.0.when`: the one path form the validate answer uses. */
function dottedPath(path: string): string {
  return path.replace(/\[(\d+)\](?: \([^)]*\))?/g, '.$1').replace(/^\./, '');
}

const byId = { id: '$response.body#/id' };
/** What a created or saved automation's id leads to. */
const automationLinks = {
  GetAutomation: linkTo('get', '/automations/:id', byId),
  SaveVersion: linkTo('put', '/automations/:id', byId),
  ListVersions: linkTo('get', '/automations/:id/versions', byId),
  GetVersion: linkTo('get', '/automations/:id/versions/:version', { id: '$response.body#/id', version: '$response.body#/version' }),
  StartRun: linkTo('post', '/automations/:id/runs', byId),
  DeleteAutomation: linkTo('delete', '/automations/:id', byId),
};
const runLinks = {
  GetRun: linkTo('get', '/runs/:workflowId', { workflowId: '$response.body#/workflowId' }),
  CancelRun: linkTo('post', '/runs/:workflowId/cancel', { workflowId: '$response.body#/workflowId' }),
};

/** Computed once: the definition language does not change at runtime. */
const stepSchemaList = stepJsonSchemas();

export function automationRoutes(services: Services) {
  const automations = AutomationService.of(services);
  return [
    route({
      method: 'post',
      path: '/automations',
      summary: 'Create an automation (version 1)',
      tags: ['automations'],
      scope: 'automations:write',
      body: definitionBody,
      // A schedule trigger saves its Temporal Schedule in the same transaction.
      temporal: true,
      responses: { 201: { description: 'Created', schema: z.object({ id: z.string(), version: z.number().int() }) } },
      links: { 201: automationLinks },
      handler: async ({ body }) => {
        const a = await automations.create(body);
        return { status: 201, body: { id: a.id, version: a.version } };
      },
    }),
    route({
      method: 'post',
      path: '/automations/validate',
      summary: 'Check a definition without saving it',
      description:
        'Runs every check saving would (shape, step ids, expressions, templates, and references to connections, actions, MCP servers, RAG indexes and automations) and answers 200 with the problems, each at its path in the definition as dotted segments (`steps.0.then.1.if`). With `automationId` the definition is checked as a new version of that automation. Nothing is saved and no schedule is touched.',
      tags: ['automations'],
      scope: 'automations:read',
      query: z.object({ automationId: idString.optional().describe('check as a new version of this automation') }),
      body: z
        .union([z.record(z.string(), z.unknown()), z.array(z.unknown())])
        .describe('an automation definition (any JSON object or array: what is wrong with it is the answer)'),
      responses: {
        200: {
          description: 'The problems (none when `valid`)',
          schema: z
            .object({ valid: z.boolean(), errors: z.array(z.object({ path: z.string(), message: z.string() })) })
            .meta({ id: 'DefinitionValidation' }),
        },
      },
      handler: async ({ body, query }) => {
        const issues = await automations.validate(body, query.automationId);
        const errors = issues.map((i) => ({ path: dottedPath(i.path), message: i.message }));
        return { body: { valid: errors.length === 0, errors } };
      },
    }),
    route({
      method: 'get',
      path: '/automations',
      summary: 'List automations (current versions)',
      tags: ['automations'],
      scope: 'automations:read',
      responses: { 200: { description: 'Automations', schema: z.object({ items: z.array(automationSchema) }) } },
      handler: async () => ({ body: { items: await automations.list() } }),
    }),
    route({
      method: 'get',
      path: '/automations/step-schemas',
      summary: 'The JSON Schema of each step type (what step forms are built from)',
      description:
        'One JSON Schema (draft 2020-12, the input shape) per step `type`, generated from the definition language. Nested step lists (`then`, `else`, `branches`) are arrays of open objects; rules across fields (e.g. exactly one of `prompt` and `messages`) are checked by `POST /automations/validate`, not expressed here.',
      tags: ['automations'],
      scope: 'automations:read',
      responses: {
        200: {
          description: 'Step schemas, in the order of the definition language',
          schema: z
            .object({ items: z.array(z.object({ type: z.string(), schema: z.record(z.string(), z.unknown()).describe('JSON Schema of the step') })) })
            .meta({ id: 'StepSchemas' }),
        },
      },
      handler: () => ({ body: { items: stepSchemaList } }),
    }),
    route({
      method: 'get',
      path: '/automations/:id',
      summary: 'One automation with its current definition',
      tags: ['automations'],
      scope: 'automations:read',
      params: idParams,
      responses: { 200: { description: 'Automation', schema: automationSchema }, 404: { description: 'Not found' } },
      handler: async ({ params }) => ({ body: await automations.get(params.id) }),
    }),
    route({
      method: 'get',
      path: '/automations/:id/versions',
      summary: 'Every saved version, newest first (also of a deleted automation: its versions are kept)',
      tags: ['automations'],
      scope: 'automations:read',
      params: idParams,
      responses: { 200: { description: 'Versions', schema: z.object({ items: z.array(versionSummarySchema) }) }, 404: { description: 'Unknown automation' } },
      handler: async ({ params }) => ({ body: { items: await automations.versions(params.id) } }),
    }),
    route({
      method: 'get',
      path: '/automations/:id/versions/:version',
      summary: 'One saved version with its full definition (also of a deleted automation)',
      tags: ['automations'],
      scope: 'automations:read',
      params: versionParams,
      responses: { 200: { description: 'Version', schema: versionSchema }, 404: { description: 'Unknown automation or version' } },
      handler: async ({ params }) => ({ body: await automations.version(params.id, Number(params.version)) }),
    }),
    route({
      method: 'put',
      path: '/automations/:id',
      summary: 'Save a new version (runs in flight keep theirs)',
      tags: ['automations'],
      scope: 'automations:write',
      params: idParams,
      body: definitionBody,
      // A schedule trigger saves its Temporal Schedule in the same transaction.
      temporal: true,
      responses: { 200: { description: 'Saved', schema: z.object({ id: z.string(), version: z.number().int() }) }, 404: { description: 'Not found' } },
      handler: async ({ params, body }) => {
        const a = await automations.update(params.id, body);
        return { body: { id: a.id, version: a.version } };
      },
    }),
    route({
      method: 'delete',
      path: '/automations/:id',
      summary: 'Delete an automation (versions are kept for runs in flight; its schedule is removed)',
      tags: ['automations'],
      scope: 'automations:write',
      temporal: true,
      params: idParams,
      responses: { 204: { description: 'Deleted' }, 404: { description: 'Not found' } },
      handler: async ({ params }) => {
        await automations.delete(params.id);
      },
    }),
    route({
      method: 'post',
      path: '/automations/:id/runs',
      bodyToTemporalOnly: true,
      summary: 'Start a run of the current version',
      description:
        'With an `Idempotency-Key` header the run id is `run:<automationId>:<key>`: the same key and body again (also after the run closed, while the namespace retains it) answers 200 with `duplicate: true` and the same ids; the same key with another body answers 422 `IDEMPOTENCY_KEY_REUSED` and starts nothing.',
      ...startsRun,
      body: z
        .object({
          input: z.unknown().optional(),
          budget: z.object({ maxTokens: z.number().int().min(1) }).optional().describe("this run's LLM token limit; the automation's own budget still applies"),
          priority: prioritySchema.optional().describe("this run's task queue priority (1 first … 5 last), over the automation's"),
          fairness: fairnessSchema.optional().describe("this run's fairness key and weight, over the automation's"),
        })
        .meta({ id: 'StartRun' }),
      responses: {
        202: { description: 'Started', schema: runStarted },
        200: { description: 'Already started with this key (same body)', schema: runStarted },
        ...idempotencyKeyReusedResponse,
      },
      links: { 202: runLinks, 200: runLinks },
      handler: async ({ params, body, req, principal }) => {
        const key = req.get('idempotency-key');
        if (key !== undefined && !IDEMPOTENCY_KEY_RE.test(key)) throw new ApiError(400, 'INVALID_INPUT', 'Idempotency-Key must be 1-128 characters of [A-Za-z0-9_.:-]');
        const keyProblems = flowControlProblems(body);
        if (keyProblems.length) throw new ApiError(400, 'INVALID_INPUT', keyProblems.join('; '), keyProblems.map((p) => ({ path: p.slice(0, p.indexOf(': ')), message: p.slice(p.indexOf(': ') + 2) })));
        const run = await startRun(services, automations, params.id, {
          input: body.input ?? {},
          idempotencyKey: key,
          trigger: { type: 'manual', principal: principal?.name },
          ...(body.budget ? { budget: body.budget } : {}),
          ...(body.priority !== undefined || body.fairness ? { priority: { priority: body.priority, fairness: body.fairness } } : {}),
        });
        return run.duplicate
          ? { status: 200, body: { duplicate: true, workflowId: run.workflowId, runId: run.runId } }
          : { status: 202, body: { workflowId: run.workflowId, runId: run.runId } };
      },
    }),
    route({
      method: 'post',
      path: '/automations/:id/test-event',
      bodyToTemporalOnly: true,
      summary: 'Send a test event: start a run of a webhook automation from a sample payload',
      description:
        "The run is shaped like one a delivery starts (trigger `webhook`, input = the payload, the event's search attributes) with `test: true` on its trigger and an event id starting `test-`. `type` defaults to the trigger's first exact event pattern (else `<connector>.test`) and must match one of its patterns; the trigger's `filter` must hold for the payload (400 otherwise). No signature is checked and no event is recorded. 409 when the automation is not webhook-triggered.",
      ...startsRun,
      body: z
        .object({
          payload: z.record(z.string(), z.unknown()).describe('the sample webhook payload, a JSON object (what a run sees as `input` and `trigger.payload`)'),
          type: z.string().min(1).max(200).optional().describe("the event type; default: the trigger's first exact pattern"),
        })
        .strict()
        .meta({ id: 'TestEvent' }),
      responses: {
        202: {
          description: 'Started',
          schema: z.object({ ...runIdsShape, event: z.object({ id: z.string(), type: z.string() }) }).meta({ id: 'TestEventStarted' }),
        },
        409: { description: 'The automation is not triggered by a webhook (CONFLICT)' },
      },
      links: { 202: runLinks },
      handler: async ({ params, body }) => {
        const run = await sendTestEvent(services, automations, params.id, body);
        return { status: 202, body: { workflowId: run.workflowId, runId: run.runId, event: run.event } };
      },
    }),
  ];
}
