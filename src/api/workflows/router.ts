/** Code-first workflows of SWITCHBOARD_WORKFLOW_PACKAGES: list them, start runs. */
import { z } from 'zod';
import { IDEMPOTENCY_KEY_RE } from '../../automations/runs.ts';
import { ApiError } from '../../errors.ts';
import type { Services } from '../../services.ts';
import { listCodeWorkflows, startCodeWorkflow } from '../../workflow-packages/runs.ts';
import { linkTo, listOf, route } from '../http.ts';
import { runIdsShape } from '../ids.ts';
import { idempotencyKeyReusedResponse } from '../temporal-responses.ts';

const codeWorkflowSchema = z
  .object({
    name: z.string().describe('the exported function name: the Temporal workflow type'),
    package: z.string().describe('the package that exports it'),
    inputSchema: z.record(z.string(), z.unknown()).optional().describe("JSON Schema of the input (the package's `schemas`)"),
  })
  .meta({ id: 'CodeWorkflow' });
const nameParams = z.object({ name: z.string().regex(/^[A-Za-z_$][\w$]{0,99}$/, 'must be a workflow name (an identifier)') });
const runStarted = z.object({ ...runIdsShape, duplicate: z.boolean().optional() }).meta({ id: 'CodeWorkflowRunStarted' });
const runLinks = { GetRun: linkTo('get', '/runs/:workflowId', { workflowId: '$response.body#/workflowId' }) };

export function workflowRoutes(services: Services) {
  return [
    listOf({
      path: '/workflows',
      summary: 'List the code-first workflows (SWITCHBOARD_WORKFLOW_PACKAGES)',
      tags: ['workflows'],
      scope: 'automations:read',
      listed: 'The workflows of the configured packages',
      schema: codeWorkflowSchema,
      load: () => listCodeWorkflows(services),
    }),
    route({
      method: 'post',
      path: '/workflows/:name/runs',
      bodyToTemporalOnly: true,
      summary: 'Start a run of a code-first workflow',
      description:
        "The input is checked against the workflow's input schema (400 with the paths that fail). The run id is `run:workflow:<name>:<key>`; with an `Idempotency-Key` header the same key and body again answers 200 with `duplicate: true` and the same ids, the same key with another body 422 `IDEMPOTENCY_KEY_REUSED`. The run appears in `GET /runs` and `GET /runs/:workflowId` with its steps (automation id `workflow:<name>`, version 0).",
      tags: ['runs'],
      scope: 'runs:write',
      temporal: true,
      params: nameParams,
      body: z.object({ input: z.unknown().optional().describe('the workflow argument') }).meta({ id: 'StartCodeWorkflowRun' }),
      responses: {
        202: { description: 'Started', schema: runStarted },
        200: { description: 'Already started with this key (same body)', schema: runStarted },
        404: { description: 'No such workflow' },
        ...idempotencyKeyReusedResponse,
      },
      links: { 202: runLinks, 200: runLinks },
      handler: async ({ params, body, req, principal }) => {
        const key = req.get('idempotency-key');
        if (key !== undefined && !IDEMPOTENCY_KEY_RE.test(key)) throw new ApiError(400, 'INVALID_INPUT', 'Idempotency-Key must be 1-128 characters of [A-Za-z0-9_.:-]');
        const run = await startCodeWorkflow(services, params.name, { input: body.input ?? {}, idempotencyKey: key, trigger: { type: 'manual', principal: principal?.name } });
        return run.duplicate
          ? { status: 200, body: { duplicate: true, workflowId: run.workflowId, runId: run.runId } }
          : { status: 202, body: { workflowId: run.workflowId, runId: run.runId } };
      },
    }),
  ];
}
