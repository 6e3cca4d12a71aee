/**
 * 10-step flow latency: an automation of ten sequential `logging.log` steps against a
 * raw workflow of ten sequential activities, each started and awaited one by one from
 * the caller's side (low concurrency), rounds alternating.
 * Switchboard starts through the API client (`POST /api/v1/automations/:id/runs`) and
 * awaits the run's Temporal result (a long poll); raw: `client.workflow.start` + `result()`.
 */
import { randomUUID } from 'node:crypto';
import type { DevServer } from '../../src/temporal/dev-server.ts';
import { alternating, latencyFigures, log, RAW_TASK_QUEUE, rawClient, rawWorker, switchboardStack, type Load, type SectionResult, withCleanup } from '../lib.ts';

export async function stepsSection(server: DevServer, dbPath: string, opts: Load): Promise<SectionResult> {
  return withCleanup(async (cleanup) => {
    const sb = await switchboardStack(server, dbPath, cleanup, { worker: true });
    const logging = await sb.addConnection('logging', {});
    const automationId = await sb.addAutomation({
      name: 'bench: ten log steps',
      trigger: { type: 'manual' },
      steps: Array.from({ length: 10 }, (_, i) => ({ id: `log${i + 1}`, type: 'action', connection: logging, action: 'log', input: { message: `step ${i + 1}` } })),
    });
    const api = await sb.apiClient('bench-runner', ['runs:write']);
    await rawWorker(server.address, cleanup);
    const raw = await rawClient(server.address, cleanup);
    const sides = {
      switchboard: async () => {
        const { workflowId } = await api.startRun(automationId, {});
        await sb.services.temporal.client.workflow.getHandle(workflowId).result();
      },
      raw: async () => {
        const handle = await raw.workflow.start('rawTenSteps', { taskQueue: RAW_TASK_QUEUE, workflowId: `raw-steps:${randomUUID()}`, args: [{ delivery: randomUUID() }] });
        await handle.result();
      },
    };
    log(`steps: warming up, then ${opts.count} ten-step runs per side at concurrency ${opts.concurrency}…`);
    await alternating(Math.min(5, opts.count), opts.concurrency, 1, sides);
    const result = await alternating(opts.count, opts.concurrency, 2, sides);
    return {
      figures: latencyFigures('10-step flow', 'start→result', result, { p50: '≤ 1.05', p99: '—' }, 'Switchboard: POST /api/v1/automations/:id/runs + the run handle\'s result(); raw: client.workflow.start + result()'),
      detail: { ...opts, ...result },
    };
  });
}
