/**
 * Outbound rate limits, enforced by Temporal across every worker: each rate-limited
 * connection's actions run on their own task queue (`rateLimitedQueue`), and every
 * worker process polls each such queue with an activity-only Worker whose
 * `maxTaskQueueActivitiesPerSecond` is the connection's limit. The server hands out at
 * most that many activity tasks per second for the queue, however many workers poll it.
 *
 * The list of rate-limited connections is re-read every few seconds: a new limit gets
 * its pollers within one refresh, a changed one restarts them with the new rate. A queue
 * whose limit was removed keeps its pollers (with the last rate) until the process
 * stops, so actions already scheduled on it still run.
 */
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import type { ConnectionRateLimits } from '../connections/rate-limits.ts';
import { HEARTBEAT_THROTTLE } from './constants.ts';
import type { Logger } from '../logger.ts';

/** How often a worker re-reads the rate-limited connections. */
export const RATE_LIMIT_REFRESH_MS = 2_000;

interface QueueWorker {
  perSecond: number;
  worker: Worker;
  running: Promise<void>;
}

export interface RateLimitedWorkersOptions {
  connection: NativeConnection;
  namespace: string;
  /** The activities the queues serve (`runConnectorAction`). */
  activities: NonNullable<WorkerOptions['activities']>;
  limits: ConnectionRateLimits;
  logger: Logger;
  dataConverter?: WorkerOptions['dataConverter'];
  refreshMs?: number;
}

export class RateLimitedWorkers {
  private readonly queues = new Map<string, QueueWorker>();
  private timer: NodeJS.Timeout | undefined;
  private syncing: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly opts: RateLimitedWorkersOptions) {}

  /** Starts pollers for today's limits, then refreshes periodically. */
  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.opts.refreshMs ?? RATE_LIMIT_REFRESH_MS);
    this.timer.unref();
  }

  /** The queues polled now and their rates (requests per second). */
  polled(): Map<string, number> {
    return new Map([...this.queues].map(([q, w]) => [q, w.perSecond]));
  }

  /** Re-reads the limits and starts, restarts or keeps pollers to match. */
  refresh(): Promise<void> {
    this.syncing ??= this.sync()
      .catch((err: unknown) => this.opts.logger.warn({ err: (err as Error).message }, 'rate-limited queues not refreshed'))
      .finally(() => (this.syncing = undefined));
    return this.syncing;
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.syncing;
    await Promise.all([...this.queues.values()].map((q) => this.stop(q)));
    this.queues.clear();
  }

  private async sync(): Promise<void> {
    this.opts.limits.refresh();
    const limits = await this.opts.limits.all();
    for (const { queue, perSecond, connectionId } of limits.values()) {
      if (this.stopped) return;
      const current = this.queues.get(queue);
      if (current?.perSecond === perSecond) continue;
      if (current) await this.stop(current);
      const worker = await Worker.create({
        connection: this.opts.connection,
        namespace: this.opts.namespace,
        taskQueue: queue,
        activities: this.opts.activities,
        maxTaskQueueActivitiesPerSecond: perSecond,
        shutdownGraceTime: '5 seconds',
        maxHeartbeatThrottleInterval: HEARTBEAT_THROTTLE,
        ...(this.opts.dataConverter ? { dataConverter: this.opts.dataConverter } : {}),
      });
      const running = worker.run();
      running.catch((err: unknown) => this.opts.logger.error({ queue, err: (err as Error).message }, 'rate-limited queue worker failed'));
      this.queues.set(queue, { perSecond, worker, running });
      this.opts.logger.info({ queue, connectionId, perSecond }, 'polling rate-limited queue');
    }
  }

  private async stop(q: QueueWorker): Promise<void> {
    if (q.worker.getState() === 'RUNNING') q.worker.shutdown();
    await q.running.catch(() => undefined);
  }
}
