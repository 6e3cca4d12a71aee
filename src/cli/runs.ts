/** `switchboard runs list|get|cancel|redrive|tail`: runs through the HTTP API. */
import { Option, type Command } from 'commander';
import type { RunRecord } from '../client/http-api.ts';
import { apiClient, EXIT, positiveInt } from './api.ts';
import { apiAction, apiList, printFields, printJson, printTable, progress, sleep, TEXT_CELL } from './output.ts';

/** Statuses of a run that has not ended. */
const OPEN = new Set(['running', 'waiting_approval', 'waiting_event']);
const RUN_STATUSES = ['running', 'waiting_approval', 'waiting_event', 'completed', 'failed', 'cancelled', 'terminated'];
const DEFAULT_POLL_MS = 1_000;

/** Polls a run until it ends; `onPoll` sees every answer. */
export async function waitForRunEnd(workflowId: string, intervalMs: number, onPoll: (run: RunRecord) => void = () => undefined): Promise<RunRecord> {
  const client = apiClient();
  for (;;) {
    const run = await client.getRun(workflowId);
    onPoll(run);
    if (!OPEN.has(run.status)) return run;
    await sleep(intervalMs);
  }
}

function time(iso?: string): string {
  return (iso ? new Date(iso) : new Date()).toISOString().slice(11, 19);
}

/** Prints what changed since the last poll: the run's status, steps' status and attempts, approvals waiting. */
function transitionPrinter(): (run: RunRecord) => void {
  let status = '';
  const steps = new Map<string, string>();
  const approvals = new Set<string>();
  return (run) => {
    const out: string[] = [];
    if (status === '') out.push(`${time(run.startedAt)}  run ${run.workflowId} (${run.name ?? run.automationId} v${run.version}) ${run.status}`);
    for (const s of run.steps) {
      const key = `${s.status}/${s.attempts}`;
      if (steps.get(s.id) === key) continue;
      steps.set(s.id, key);
      if (s.status === 'pending') continue;
      const attempt = s.attempts > 1 ? ` (attempt ${s.attempts})` : '';
      const error = s.error ? `  ${s.error.code}: ${s.error.message}` : '';
      out.push(`${time(s.finishedAt ?? s.startedAt)}  step ${s.id} [${s.type}] ${s.status}${attempt}${error}`);
    }
    for (const a of run.pendingApprovals) {
      if (approvals.has(a.stepId)) continue;
      approvals.add(a.stepId);
      out.push(`${time()}  approval ${a.stepId} waiting for ${a.approvers.length ? a.approvers.join(', ') : 'anyone'} (quorum ${a.quorum}, until ${a.expiresAt}): switchboard approvals decide ${run.workflowId} ${a.stepId} approve|reject`);
    }
    if (status !== '' && run.status !== status) {
      const error = run.error ? `  ${run.error.code}: ${run.error.message}` : '';
      out.push(`${time(run.closedAt)}  run ${run.status}${error}`);
    }
    status = run.status;
    if (out.length) process.stdout.write(out.join('\n') + '\n');
  };
}

interface RunListOptions {
  automation?: string;
  status?: string;
  eventType?: string;
  trigger?: string;
  triggerKey?: string;
  concurrencyKey?: string;
  since?: string;
  until?: string;
  limit: number;
  cursor?: string;
  all?: boolean;
  json?: boolean;
}

/** One page, or (`--all`) every page; the next cursor goes to stderr so stdout stays the list. */
async function listRunPages(o: RunListOptions) {
  const client = apiClient();
  const filter = { automationId: o.automation, status: o.status, eventType: o.eventType, triggerType: o.trigger, triggerKey: o.triggerKey, concurrencyKey: o.concurrencyKey, since: o.since, until: o.until, limit: o.limit };
  const items = [];
  let cursor = o.cursor;
  for (;;) {
    const page = await client.listRunsPage({ ...filter, cursor });
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
    if (!o.all || !cursor) break;
  }
  if (cursor) process.stderr.write(`more: --cursor ${cursor}\n`);
  return items;
}

interface BulkCancelOptions {
  filter?: boolean;
  automation?: string;
  status?: 'running' | 'waiting_approval';
  eventType?: string;
  trigger?: 'webhook' | 'schedule' | 'manual' | 'automation';
  triggerKey?: string;
  concurrencyKey?: string;
  connection?: string;
  since?: string;
  until?: string;
  wait?: boolean;
  interval: number;
  json?: boolean;
}

export function registerRunCommands(program: Command): void {
  const runs = program.command('runs').description('List, inspect, cancel, re-drive and follow automation runs (HTTP API)');

  apiList(
    runs
      .command('list')
      .description('Runs, newest first (Temporal visibility); `--status failed` is the dead-letter view')
      .option('--automation <id>', 'only runs of this automation')
      .addOption(new Option('--status <status>', 'only runs in this status').choices(RUN_STATUSES))
      .option('--event-type <type>', 'only webhook runs of this event type')
      .addOption(new Option('--trigger <type>', 'only runs started this way').choices(['webhook', 'schedule', 'manual', 'automation']))
      .option('--trigger-key <key>', 'only debounced or batched runs of this key')
      .option('--concurrency-key <key>', 'only runs whose concurrency key rendered to this')
      .option('--since <time>', 'started at or after (ISO-8601)')
      .option('--until <time>', 'started before (ISO-8601)')
      .option('--limit <n>', 'at most this many per page', positiveInt, 50)
      .option('--cursor <cursor>', 'continue a listing from the cursor it printed (same filters)')
      .option('--all', 'follow every page (with --limit as the page size)'),
    (o: RunListOptions) => listRunPages(o),
    [
      { header: 'workflow id', value: (r) => r.workflowId },
      { header: 'status', value: (r) => r.status },
      { header: 'automation', value: (r) => r.automationId },
      { header: 'v', value: (r) => r.version },
      { header: 'started', value: (r) => r.startedAt },
      { header: 'closed', value: (r) => r.closedAt },
    ],
    '(no runs)',
  );

  apiAction(
    runs
      .command('get <workflowId>')
      .description("A run's status, steps (attempts, errors), pending approvals and lineage"),
    (_o: { json?: boolean }, workflowId: string) => apiClient().getRun(workflowId),
    (run) => {
      printFields([
        ['workflow id', run.workflowId],
        ['status', run.status],
        ['automation', `${run.automationId}${run.name ? ` (${run.name})` : ''} version ${run.version}`],
        ['started', run.startedAt],
        ['closed', run.closedAt],
        ['error', run.error ? `${run.error.code}: ${run.error.message}` : undefined],
        ['re-drives', run.redriveOf],
        ['from step', run.fromStep],
        ['re-driven by', run.redrivenBy?.length ? run.redrivenBy.join(', ') : undefined],
        ['tokens', run.usage && run.usage.inputTokens + run.usage.outputTokens > 0 ? `${run.usage.inputTokens} in, ${run.usage.outputTokens} out` : undefined],
      ]);
      process.stdout.write('\n');
      printTable(run.steps, [
        { header: 'step', value: (s) => s.id },
        { header: 'type', value: (s) => s.type },
        { header: 'status', value: (s) => s.status },
        { header: 'attempts', value: (s) => s.attempts },
        { header: 'error', value: (s) => (s.error ? `${s.error.code}: ${s.error.message}` : undefined), max: TEXT_CELL },
      ], '(no steps)');
      for (const a of run.pendingApprovals) process.stdout.write(`\napproval ${a.stepId} waiting: approvers ${a.approvers.join(', ') || 'anyone'}, quorum ${a.quorum}, until ${a.expiresAt}\n`);
    },
  );

  runs
    .command('cancel [workflowId]')
    .description('Cancel a running run, or with --filter every open run the filters find (a Temporal batch operation)')
    .option('--filter', 'bulk: cancel the open runs found by the filter options below')
    .option('--automation <id>', 'bulk: only runs of this automation')
    .addOption(new Option('--status <status>', 'bulk: only runs in this status (default: every open run)').choices(['running', 'waiting_approval']))
    .option('--event-type <type>', 'bulk: only webhook runs of this event type')
    .addOption(new Option('--trigger <type>', 'bulk: only runs started this way').choices(['webhook', 'schedule', 'manual', 'automation']))
    .option('--trigger-key <key>', 'bulk: only debounced or batched runs of this key')
    .option('--concurrency-key <key>', 'bulk: only runs whose concurrency key rendered to this')
    .option('--connection <id>', 'bulk: only webhook runs whose event came through this connection')
    .option('--since <time>', 'bulk: started at or after (ISO-8601)')
    .option('--until <time>', 'bulk: started before (ISO-8601)')
    .option('--wait', 'bulk: wait until the job has finished (a progress bar in a terminal)')
    .option('--interval <ms>', 'with --wait: poll interval', positiveInt, DEFAULT_POLL_MS)
    .option('--json', 'print the API answer as JSON')
    .action(async (workflowId: string | undefined, o: BulkCancelOptions) => {
      if (Boolean(workflowId) === Boolean(o.filter)) {
        process.stderr.write('switchboard: name one run to cancel, or --filter with filter options for the bulk cancel (not both)\n');
        process.exitCode = EXIT.usage;
        return;
      }
      const client = apiClient();
      if (workflowId) {
        const r = await client.cancelRun(workflowId);
        if (o.json) printJson(r);
        else process.stdout.write(`cancellation requested for ${workflowId}\n`);
        return;
      }
      const filter = Object.fromEntries(
        Object.entries({ automationId: o.automation, status: o.status, eventType: o.eventType, triggerType: o.trigger, triggerKey: o.triggerKey, concurrencyKey: o.concurrencyKey, connectionId: o.connection, since: o.since, until: o.until }).filter(([, v]) => v !== undefined),
      );
      if (Object.keys(filter).length === 0) {
        process.stderr.write('switchboard: --filter needs at least one filter option (--automation, --status, --since, …)\n');
        process.exitCode = EXIT.usage;
        return;
      }
      let p = await client.cancelRuns(filter);
      const jobId = p.jobId;
      if (o.wait && jobId) {
        const bar = progress('runs cancelled', p.count);
        while (p.state === 'running') {
          await sleep(o.interval);
          p = await client.bulkCancelProgress(jobId);
          bar.update(p.done + p.failed);
        }
        bar.stop();
      }
      if (o.json) printJson(p);
      else if (!p.jobId) process.stdout.write('no open runs matched\n');
      else process.stdout.write(`${p.count} run(s) matched; job ${p.jobId} ${p.state}: ${p.done} cancelled, ${p.failed} failed\n`);
      if (p.state === 'failed') process.exitCode = 1;
    });

  runs
    .command('redrive [workflowId]')
    .description('Re-drive a failed run (same input, a new run), or with --failed every failed run a filter finds')
    .option('--failed', 'bulk: re-drive the failed runs found by --automation, --since, --limit (newest first)')
    .option('--automation <id>', 'bulk: only runs of this automation')
    .option('--since <iso>', 'bulk: only runs started at or after this ISO-8601 time')
    .option('--limit <n>', 'bulk: at most this many', positiveInt, 100)
    .option('--current', "start on the automation's current version (default: the failed run's version)")
    .option('--force', 'single: re-drive again although the run was re-driven before')
    .option('--from <step>', 'single: start at this top-level step (default: the step that failed); the steps before it are not run again')
    .option('--wait', 'wait until the re-drives end (a progress bar in a terminal); exit 1 unless all completed')
    .option('--interval <ms>', 'with --wait: poll interval', positiveInt, DEFAULT_POLL_MS)
    .option('--json', 'print the API answer as JSON')
    .action(async (workflowId: string | undefined, o: { failed?: boolean; automation?: string; since?: string; limit: number; current?: boolean; force?: boolean; wait?: boolean; interval: number; json?: boolean; from?: string }) => {
      if (Boolean(workflowId) === Boolean(o.failed)) {
        process.stderr.write('switchboard: name one run to re-drive, or --failed for the bulk re-drive (not both)\n');
        process.exitCode = EXIT.usage;
        return;
      }
      const client = apiClient();
      const version = o.current ? 'current' : 'pinned';
      const started = workflowId
        ? [await client.redriveRun(workflowId, { version, ...(o.force ? { force: true } : {}), ...(o.from ? { fromStep: o.from } : {}) })]
        : (await client.redriveRuns({ limit: o.limit, version, ...(o.automation ? { automationId: o.automation } : {}), ...(o.since ? { since: o.since } : {}) })).items;
      if (!o.json) {
        printTable(started, [
          { header: 're-drive', value: (r) => r.workflowId },
          { header: 'of', value: (r) => r.redriveOf },
          { header: 'v', value: (r) => r.version },
          { header: 'from', value: (r) => r.fromStep ?? '(first step)' },
          { header: 'new', value: (r) => (r.duplicate ? 'no (earlier re-drive)' : 'yes') },
        ], '(no failed runs found)');
      }
      if (!o.wait) {
        if (o.json) printJson(workflowId ? started[0] : started);
        return;
      }
      const bar = progress('re-drives finished', started.length);
      const ended: RunRecord[] = [];
      for (const r of started) {
        ended.push(await waitForRunEnd(r.workflowId, o.interval));
        bar.update(ended.length);
      }
      bar.stop();
      if (o.json) printJson(ended);
      else printTable(ended, [
        { header: 're-drive', value: (r) => r.workflowId },
        { header: 'status', value: (r) => r.status },
        { header: 'error', value: (r) => (r.error ? `${r.error.code}: ${r.error.message}` : undefined), max: TEXT_CELL },
      ]);
      if (ended.some((r) => r.status !== 'completed')) process.exitCode = EXIT.failed;
    });

  runs
    .command('tail <workflowId>')
    .description('Follow a run until it ends, printing its step transitions; exit 0 when it completed, 1 otherwise')
    .option('--interval <ms>', 'poll interval', positiveInt, DEFAULT_POLL_MS)
    .action(async (workflowId: string, o: { interval: number }) => {
      const run = await waitForRunEnd(workflowId, o.interval, transitionPrinter());
      if (run.status !== 'completed') process.exitCode = EXIT.failed;
    });
}
