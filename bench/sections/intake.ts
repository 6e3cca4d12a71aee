/**
 * Webhook intake only (no worker runs): signed GitHub deliveries through the real
 * endpoint (raw body, HMAC verification, routing from the cached subscriptions, the
 * run's idempotent start) against raw `client.workflow.start` calls with the start
 * options the endpoint uses for the same run (`webhookRunStartOptions`: workflow id,
 * input, search attributes, summary and details; conflict policy USE_EXISTING, reuse
 * policy REJECT_DUPLICATE). Rounds alternate; reports starts/s and latency.
 */
import { randomUUID } from 'node:crypto';
import type { NormalizedEvent } from '../../connectors/sdk/events.ts';
import { webhookRunStartOptions } from '../../src/automations/routing.ts';
import { WORKFLOW_TYPES } from '../../src/temporal/constants.ts';
import type { DevServer } from '../../src/temporal/dev-server.ts';
import { alternating, figure, latencyFigures, log, postDelivery, rawClient, switchboardStack, webhookAutomation, webhookBody, type Load, type SectionResult, withCleanup } from '../lib.ts';

export async function intakeSection(server: DevServer, dbPath: string, opts: Load): Promise<SectionResult> {
  return withCleanup(async (cleanup) => {
    const sb = await switchboardStack(server, dbPath, cleanup, { worker: false });
    const { connectionId, webhookUrl } = await webhookAutomation(sb);
    const raw = await rawClient(server.address, cleanup);
    const payload = JSON.parse(webhookBody) as unknown;
    const eventOf = (id: string): NormalizedEvent => ({ type: 'github.issues.opened', id, source: { connector: 'github', connectionId }, payload, receivedAt: new Date().toISOString() });
    // The endpoint's route target and action queues, resolved once (the endpoint caches them too).
    const [target] = await sb.services.subscriptions.match(eventOf('probe'));
    if (!target) throw new Error('the bench automation is not subscribed to its webhook');
    const queues = await sb.services.connectionRateLimits.queuesFor(target.pinned.definition);
    const taskQueue = sb.services.temporal.taskQueue;
    const sides = {
      switchboard: () => postDelivery(webhookUrl, randomUUID()),
      raw: async () => {
        await raw.workflow.start(WORKFLOW_TYPES.automation, {
          ...webhookRunStartOptions(eventOf(randomUUID()), target, taskQueue, queues),
          workflowIdConflictPolicy: 'USE_EXISTING',
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
        });
      },
    };
    log(`intake: warming up, then ${opts.count} starts per side at concurrency ${opts.concurrency} in 4 alternating rounds…`);
    await alternating(Math.min(100, opts.count), opts.concurrency, 1, sides);
    const result = await alternating(opts.count, opts.concurrency, Math.min(4, opts.count), sides);
    const note = 'no worker; raw: client.workflow.start with the endpoint\'s start options (webhookRunStartOptions, USE_EXISTING, REJECT_DUPLICATE)';
    return {
      figures: [figure('webhook intake', 'starts/s', '1/s', result.switchboard.perSecond, result.raw.perSecond, '≥ 0.9', note), ...latencyFigures('webhook intake', 'start', result, { p50: '—', p99: '—' })],
      detail: { ...opts, ...result },
    };
  });
}
