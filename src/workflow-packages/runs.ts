/**
 * Starting runs of code-first workflows: input checked against the package's JSON Schema,
 * run id `run:workflow:<name>:<key>` (an `Idempotency-Key` names one run forever, as for
 * automations), and the search attributes the runs list and inbox read — automation id
 * `workflow:<name>`, version 0 (automation versions start at 1), trigger, status.
 */
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import type { SearchAttributePair } from '@temporalio/common';
import { ApiError, notFound } from '../errors.ts';
import { nanoid } from '../security/random.ts';
import type { Services } from '../services.ts';
import { runWorkflowId } from '../temporal/constants.ts';
import { requestHash } from '../temporal/request-fingerprint.ts';
import { SA } from '../temporal/search-attributes.ts';
import { CODE_RUN_MEMO, CODE_WORKFLOW_PREFIX, type CodeRunMemo } from '../../workflows/code/names.ts';
import type { ConnectionRateLimits } from '../connections/rate-limits.ts';
import { workflowCatalog, type CodeWorkflow } from './load.ts';

const ajv = new Ajv2020({ allErrors: true, strict: false });
const validators = new WeakMap<object, ReturnType<typeof ajv.compile>>();

/** The code workflows of the process's packages. */
export async function listCodeWorkflows(services: Pick<Services, 'config'>): Promise<CodeWorkflow[]> {
  return [...(await workflowCatalog(services.config)).workflows.values()];
}

/** `instancePath` `/items/0/sku` → `<prefix>.items.0.sku`. */
function pathOf(e: ErrorObject, prefix: string): string {
  const missing = e.keyword === 'required' ? `/${(e.params as { missingProperty: string }).missingProperty}` : '';
  return [prefix, ...`${e.instancePath}${missing}`.split('/').filter(Boolean)].join('.');
}

/** What the workflow's input schema refuses in `input` (paths under `prefix`); empty when it passes or there is none. */
export function codeWorkflowInputIssues(workflow: CodeWorkflow, input: unknown, prefix = 'body.input'): { path: string; message: string }[] {
  if (!workflow.inputSchema) return [];
  let validate = validators.get(workflow.inputSchema);
  if (!validate) {
    validate = ajv.compile(workflow.inputSchema);
    validators.set(workflow.inputSchema, validate);
  }
  if (validate(input)) return [];
  return (validate.errors ?? []).map((e) => ({ path: pathOf(e, prefix), message: e.message ?? 'is invalid' }));
}

function checkInput(workflow: CodeWorkflow, input: unknown): void {
  const details = codeWorkflowInputIssues(workflow, input);
  if (details.length === 0) return;
  throw new ApiError(400, 'INVALID_INPUT', `input does not match the input schema of workflow ${workflow.name}: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`, details);
}

/** The memo a code run starts with: the rate-limited connections' queues (by id and name). */
export async function codeRunMemo(limits: Pick<ConnectionRateLimits, 'queuesForCode'>): Promise<Record<string, CodeRunMemo> | undefined> {
  const actionQueues = await limits.queuesForCode();
  return actionQueues ? { [CODE_RUN_MEMO]: { actionQueues } } : undefined;
}

export interface CodeRunTrigger {
  type: 'manual' | 'webhook';
  principal?: string | undefined;
}

/** Starts a run of a code workflow; the same key never starts a second run. */
export async function startCodeWorkflow(
  services: Services,
  name: string,
  opts: { input: unknown; idempotencyKey?: string | undefined; trigger?: CodeRunTrigger; extraAttributes?: SearchAttributePair[] },
): Promise<{ workflowId: string; runId: string; duplicate: boolean }> {
  const workflow = (await workflowCatalog(services.config)).workflows.get(name);
  if (!workflow) throw notFound(`workflow ${name}`);
  const input = opts.input ?? {};
  checkInput(workflow, input);
  const automationId = `${CODE_WORKFLOW_PREFIX}${name}`;
  const workflowId = runWorkflowId(automationId, opts.idempotencyKey ?? nanoid(12));
  const trigger = opts.trigger ?? { type: 'manual' as const };
  const memo = await codeRunMemo(services.connectionRateLimits);
  const started = await services.starter.start(
    name,
    {
      taskQueue: services.temporal.taskQueue,
      workflowId,
      args: [input],
      staticSummary: `${name} (${workflow.package})`,
      staticDetails: `**Code workflow** ${name} from package ${workflow.package}\n\n**Trigger** ${trigger.type}`,
      ...(memo ? { memo } : {}),
      typedSearchAttributes: [
        { key: SA.automationId, value: automationId },
        { key: SA.automationVersion, value: 0 },
        { key: SA.triggerType, value: trigger.type },
        { key: SA.status, value: 'running' },
        ...(opts.extraAttributes ?? []),
      ],
    },
    { requestHash: opts.idempotencyKey !== undefined ? requestHash({ input }) : undefined },
  );
  return { workflowId, runId: started.runId, duplicate: !started.started };
}
