/**
 * Which connections have an outbound rate limit (their `config.rateLimit`, else their
 * connector's published default) and the task queue their actions run on. Starters use
 * it to route a run's actions (`actionQueues` in the run input); workers use it to poll
 * each queue with its limit. Loaded from the database, reused for a short TTL (and, while
 * the database is unreachable, the list loaded in the last 5 minutes stands in).
 */
import type { ConnectorRegistry } from '../../connectors/registry.ts';
import { rateLimitSchema, requestsPerSecond, type RateLimit } from '../../connectors/sdk/rate-limit.ts';
import { Connection } from '../db/entities/index.ts';
import type { Orm } from '../db/orm.ts';
import { isDatabaseUnavailable } from '../db/unavailable.ts';
import { LoadCache } from '../load-cache.ts';
import { rateLimitedQueue } from '../temporal/constants.ts';

/** How long the list of rate-limited connections is reused. */
export const RATE_LIMITS_TTL_MS = 2_000;

/**
 * Share of a connection's limit its queue is run at. Temporal's task-queue limiter is a
 * token bucket per partition (burst `ceil(rate / partitions)` each, 4 partitions by
 * default): after an idle spell about one more second's worth of tasks can go out at
 * once. At 75 % the burst fits inside the limit over windows of a few seconds (5/s
 * configured: 3.75/s steady, at most ~19 requests in any 4 s), at the price of throughput.
 */
export const QUEUE_RATE_HEADROOM = 0.75;

/** A `connection` field (of a step, an agent's tool, an llm step) whose value is a template. */
const TEMPLATED_CONNECTION = /"connection":"[^"]*\{\{/;

/** A rate-limited connection: its queue and the rate (requests per second) its queue runs at. */
export interface ConnectionRateLimit {
  connectionId: string;
  /** The connection's name (code workflows, `llm` steps and poll triggers may name a connection by it). */
  name: string;
  queue: string;
  perSecond: number;
}

/** The limit a connection's actions run under, or undefined when none applies. */
export function effectiveRateLimit(config: Record<string, unknown>, connectorDefault: RateLimit | undefined): RateLimit | undefined {
  const own = rateLimitSchema.safeParse(config['rateLimit']);
  return own.success ? own.data : connectorDefault;
}

/** One per process, built by `createServices` (`services.connectionRateLimits`); a worker started without services builds its own. */
export class ConnectionRateLimits {
  private readonly cached: LoadCache<Map<string, ConnectionRateLimit>>;

  constructor(
    private readonly orm: Orm,
    private readonly connectors: ConnectorRegistry,
    private readonly taskQueue: string,
    ttlMs = RATE_LIMITS_TTL_MS,
  ) {
    this.cached = new LoadCache({ maxEntries: 1, ttlMs, staleIfError: isDatabaseUnavailable });
  }

  /** Every rate-limited connection, by id. */
  all(): Promise<Map<string, ConnectionRateLimit>> {
    return this.cached.get('all', () => this.load());
  }

  /** Forgets the cached list (after a connection was saved). */
  invalidate(): void {
    this.cached.clear();
  }

  /** Reads the list again on the next call (a worker's periodic sync); the last list stands in while the database is down. */
  refresh(): void {
    this.cached.expire();
  }

  /** The queue of one connection's actions, or undefined when it has no limit. */
  async queueOf(connectionId: string): Promise<string | undefined> {
    return (await this.all()).get(connectionId)?.queue;
  }

  /**
   * `actionQueues` for a run of `definition`: the rate-limited connections whose id or name
   * the definition names (keyed by that id or name, as the steps name them). A definition
   * with a `connection` computed by a template gets every rate-limited connection, by id
   * and by name: the queue is looked up by the rendered reference at run time.
   */
  async queuesFor(definition: unknown): Promise<Record<string, string> | undefined> {
    const all = await this.all();
    if (all.size === 0) return undefined;
    const text = JSON.stringify(definition);
    const templated = TEMPLATED_CONNECTION.test(text);
    const out: Record<string, string> = {};
    for (const [id, limit] of all) {
      if (templated || text.includes(JSON.stringify(id))) out[id] = limit.queue;
      if (limit.name && (templated || text.includes(JSON.stringify(limit.name)))) out[limit.name] = limit.queue;
    }
    return Object.keys(out).length ? out : undefined;
  }

  /**
   * `actionQueues` of a code workflow run: every rate-limited connection by id and by name
   * (its calls name connections at run time, so none can be picked out before the start).
   */
  async queuesForCode(): Promise<Record<string, string> | undefined> {
    const all = await this.all();
    if (all.size === 0) return undefined;
    const out: Record<string, string> = {};
    for (const [id, limit] of all) {
      out[id] = limit.queue;
      out[limit.name] = limit.queue;
    }
    return out;
  }

  private async load(): Promise<Map<string, ConnectionRateLimit>> {
    const rows = await this.orm.em.fork().find(Connection, {}, { fields: ['id', 'name', 'connector', 'config'], orderBy: { id: 'asc' } });
    const out = new Map<string, ConnectionRateLimit>();
    for (const row of rows) {
      const limit = effectiveRateLimit(row.config, this.connectors.get(row.connector)?.rateLimit);
      if (limit) out.set(row.id, { connectionId: row.id, name: row.name, queue: rateLimitedQueue(this.taskQueue, row.id), perSecond: requestsPerSecond(limit) * QUEUE_RATE_HEADROOM });
    }
    return out;
  }
}
