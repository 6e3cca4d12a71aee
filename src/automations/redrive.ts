/**
 * Dead letters and re-drive: a failed run is started again with the same input as a
 * new run, linked both ways. It resumes at a step (`fromStep`, by default the step that
 * failed): the steps before it are not executed again, their recorded results are handed
 * to the new run (`redriveFrom`; redrive-plan.ts says which steps qualify). The new run carries `redriveOf` in its input and as the
 * `SwitchboardRedriveOf` search attribute; the source run finds its re-drives by that
 * attribute (`redrivenBy`). The workflow never reads the field, so histories replay
 * unchanged. One source run has one re-drive (its workflow id derives from the
 * source's) unless the caller forces another.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { decodeArrayFromPayloads } from '@temporalio/common/lib/internal-non-workflow/index.js';
import { ApiError, notFound } from '../errors.ts';
import { nanoid } from '../security/random.ts';
import type { Services } from '../services.ts';
import { runWorkflowId, WORKFLOW_ID_PREFIX, WORKFLOW_TYPES } from '../temporal/constants.ts';
import { SA } from '../temporal/search-attributes.ts';
import { runSearchAttributes } from '../../workflows/automation/run-attributes.ts';
import type { AutomationRunInput } from '../../workflows/contracts.ts';
import type { AutomationDefinition, Step } from '../../workflows/automation/types.ts';
import { planRedrive } from './redrive-plan.ts';
import { queryRunState } from './run-query.ts';
import type { AutomationService } from './service.ts';

/** Prefix of the idempotency key part of a re-drive's workflow id. */
const REDRIVE_KEY_PREFIX = 'redrive';
/** Run statuses a re-drive starts from (closed without success). */
const REDRIVABLE = new Set(['FAILED', 'TERMINATED', 'CANCELLED', 'TIMED_OUT']);

export interface RedriveOptions {
  /** `pinned` (default): the source run's version; `current`: the automation's version today. */
  version?: 'pinned' | 'current' | undefined;
  /** Start another re-drive although one exists already. */
  force?: boolean | undefined;
  /** The top-level step to start at; absent: the step that failed. */
  fromStep?: string | undefined;
}

export interface RedriveResult {
  workflowId: string;
  runId: string;
  redriveOf: string;
  version: number;
  /** The step the re-drive started at (absent: it runs from the first step). */
  fromStep?: string | undefined;
  /** True when an earlier re-drive of the source run answered (nothing new started). */
  duplicate: boolean;
}

const quote = (v: string): string => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** The automation id and key of a run workflow id (`run:<automationId>:<key>`). */
function parseRunId(workflowId: string): { automationId: string; key: string } | undefined {
  const m = new RegExp(`^${WORKFLOW_ID_PREFIX.run}:([^:]+):(.+)$`).exec(workflowId);
  return m ? { automationId: m[1]!, key: m[2]! } : undefined;
}

/** The input a run was started with, decoded through the client's data converter (payload encryption). */
export async function runStartInput(client: Client, workflowId: string, runId?: string): Promise<AutomationRunInput> {
  const res = await client.workflowService.getWorkflowExecutionHistory({
    namespace: client.options.namespace,
    execution: { workflowId, ...(runId ? { runId } : {}) },
    maximumPageSize: 1,
  });
  const started = res.history?.events?.[0]?.workflowExecutionStartedEventAttributes;
  const [input] = await decodeArrayFromPayloads(client.options.loadedDataConverter, started?.input?.payloads);
  return input as AutomationRunInput;
}

/** Workflow ids of the runs that re-drive `workflowId` (visibility, newest first). */
export async function redrivesOf(services: Services, workflowId: string): Promise<string[]> {
  const out: string[] = [];
  const query = `WorkflowType = '${WORKFLOW_TYPES.automation}' AND ${SA.redriveOf.name} = ${quote(workflowId)}`;
  for await (const w of services.temporal.client.workflow.list({ query, pageSize: 100 })) out.push(w.workflowId);
  return out;
}

/** Starts a new run with the input of a closed, unsuccessful run; see the module comment. */
export async function redriveRun(services: Services, automations: AutomationService, sourceId: string, opts: RedriveOptions = {}): Promise<RedriveResult> {
  const parsed = parseRunId(sourceId);
  if (!parsed) throw notFound(`run ${sourceId}`);
  const { client } = services.temporal;
  let desc;
  try {
    desc = await client.workflow.getHandle(sourceId).describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw notFound(`run ${sourceId}`);
    throw err;
  }
  if (desc.type !== WORKFLOW_TYPES.automation) throw notFound(`run ${sourceId}`);
  if (!REDRIVABLE.has(desc.status.name)) {
    throw new ApiError(409, 'CONFLICT', `run ${sourceId} is ${desc.status.name.toLowerCase()}; only failed, cancelled, terminated or timed-out runs are re-driven`);
  }
  const source = await runStartInput(client, sourceId, desc.runId);
  let pinning: Pick<AutomationRunInput, 'version' | 'pinned'> = { version: source.version, pinned: source.pinned };
  if (opts.version === 'current') {
    const automation = await automations.get(source.automationId);
    pinning = { version: automation.version, pinned: { name: automation.name, definition: automation.definition as unknown as Record<string, unknown> } };
  }
  const stepsOf = async (p: Pick<AutomationRunInput, 'version' | 'pinned'>): Promise<Step[]> =>
    ((p.pinned?.definition ?? (await automations.version(source.automationId, p.version)).definition) as unknown as AutomationDefinition).steps;
  const sourceState = await queryRunState(services, client.workflow.getHandle(sourceId));
  const redriveFrom = planRedrive({
    steps: await stepsOf(pinning),
    version: pinning.version,
    sourceSteps: await stepsOf(source),
    sourceStates: sourceState.steps,
    fromStep: opts.fromStep,
  });
  const args: AutomationRunInput = {
    automationId: source.automationId,
    input: source.input,
    trigger: source.trigger,
    ...(source.budget ? { budget: source.budget } : {}),
    version: pinning.version,
    // Without a pinned definition (older runs) the run loads its version itself.
    ...(pinning.pinned ? { pinned: pinning.pinned } : {}),
    attributesAtStart: true,
    redriveOf: sourceId,
    ...(redriveFrom ? { redriveFrom } : {}),
  };
  const key = `${REDRIVE_KEY_PREFIX}:${parsed.key}${opts.force ? `:${nanoid(8)}` : ''}`;
  const workflowId = runWorkflowId(source.automationId, key);
  const started = await services.starter.start(WORKFLOW_TYPES.automation, {
    taskQueue: services.temporal.taskQueue,
    workflowId,
    args: [args],
    staticSummary: `${args.pinned?.name ?? source.automationId} v${args.version} (re-drive)`,
    staticDetails: `**Re-drive of** \`${sourceId}\`, version ${args.version}${redriveFrom ? `, from step \`${redriveFrom.fromStep}\`` : ''}`,
    typedSearchAttributes: runSearchAttributes(args),
  });
  // A duplicate may have been started with another version and step: report the ones it runs.
  const ran = started.started ? args : await runStartInput(client, workflowId, started.runId);
  const fromStep = ran.redriveFrom?.fromStep;
  return { workflowId, runId: started.runId, redriveOf: sourceId, version: ran.version, ...(fromStep ? { fromStep } : {}), duplicate: !started.started };
}

export interface BulkRedriveFilter {
  automationId?: string | undefined;
  /** Only runs started at or after this time (ISO-8601). */
  since?: string | undefined;
  limit: number;
  version?: RedriveOptions['version'];
}

export interface BulkRedriveResult {
  /** One entry per failed run found: its re-drive, new or earlier (`duplicate`). */
  items: RedriveResult[];
  started: number;
  duplicates: number;
}

/**
 * Re-drives the failed runs a filter finds (newest first, at most `limit`). Idempotent
 * per source run: a run re-driven before answers its earlier re-drive, so repeating a
 * bulk re-drive starts nothing twice.
 */
export async function redriveFailedRuns(services: Services, automations: AutomationService, filter: BulkRedriveFilter): Promise<BulkRedriveResult> {
  const clauses = [`WorkflowType = '${WORKFLOW_TYPES.automation}'`, `TaskQueue = ${quote(services.temporal.taskQueue)}`, "ExecutionStatus = 'Failed'"];
  if (filter.automationId) clauses.push(`${SA.automationId.name} = ${quote(filter.automationId)}`);
  if (filter.since) clauses.push(`StartTime >= ${quote(filter.since)}`);
  const sources: string[] = [];
  for await (const w of services.temporal.client.workflow.list({ query: clauses.join(' AND '), pageSize: 100 })) {
    sources.push(w.workflowId);
    if (sources.length >= filter.limit) break;
  }
  const items: RedriveResult[] = [];
  // One at a time: a bulk re-drive should not burst the provider that just recovered.
  for (const id of sources) items.push(await redriveRun(services, automations, id, { version: filter.version }));
  const started = items.filter((i) => !i.duplicate).length;
  return { items, started, duplicates: items.length - started };
}
