/**
 * Webhook intake, independent of Express: resolve the connection's trigger, verify the raw
 * delivery, answer challenges, and record it durably before answering, idempotently by the
 * provider's delivery id: as the runs it starts (ids named after the delivery), else as its
 * event workflow (`wh:<connector>:<connectionId>:<deliveryId>`) — the accepted start in
 * Temporal's history is the record — except a delivery that only resumed runs parked on
 * `wait_for_event`: their histories hold it, and one row in `event_records` records it
 * (src/automations/event-records.ts). A duplicate delivery bumps its event's counter
 * (`event_duplicates`) for the events API.
 */
import { createHash } from 'node:crypto';
import type { ConnectorDefinition, NormalizedEvent, TriggerContext, TriggerDefinition, WebhookRequest } from '../../connectors/sdk/index.ts';
import { bodySha256, isJsonMediaType, WEBHOOK_BODY_LIMIT } from '../../connectors/sdk/index.ts';
import { rateLimitSchema } from '../../connectors/sdk/rate-limit.ts';
import { countDuplicate } from '../automations/event-duplicates.ts';
import { signalEventWaiters, type SignalledWaiters } from '../automations/event-waits.ts';
import { recordedResumedRuns, recordResumedDelivery, type RecordOutcome } from '../automations/event-records.ts';
import { collects, COLLECTING_AUTOMATIONS_MEMO } from '../automations/collect.ts';
import { DISABLED_AUTOMATIONS_MEMO, RESUMED_RUNS_MEMO, webhookRunStartOptions } from '../automations/routing.ts';
import type { AutomationSubscriptions, RouteTarget } from '../automations/resolver.ts';
import { withRunPriority } from '../automations/run-priority.ts';
import { ApiError } from '../errors.ts';
import type { LoadedConnection } from '../connections/store.ts';
import { withTimeout } from '../db/orm.ts';
import { isDatabaseUnavailable } from '../db/unavailable.ts';
import { runApprovalLinks } from '../approvals/links.ts';
import { handleSlackApprovalInteraction } from '../approvals/slack-interactions.ts';
import { duplicateCountFailures } from '../metrics/metrics.ts';
import { DecryptionError } from '../security/crypto.ts';
import type { Services } from '../services.ts';
import { eventWorkflowId, WORKFLOW_TYPES } from '../temporal/constants.ts';
import { eventStartOptions } from '../temporal/event-start.ts';
import { IdempotentStarter, START_DEADLINE_MS, TemporalUnavailableError } from '../temporal/idempotent-start.ts';
import { TEMPORAL_RETRY_AFTER_SECONDS } from '../temporal/unavailable.ts';
import type { ConnectionCache } from '../connections/cache.ts';
import { MAX_EVENT_PAYLOAD_DEPTH, nestsDeeperThan } from './payload-depth.ts';

/** Media types accepted when a trigger does not list its own. */
export const DEFAULT_WEBHOOK_CONTENT_TYPES = ['application/json', 'application/x-www-form-urlencoded'];

/** Longest a duplicate delivery's answer waits for its counter write. */
const DUPLICATE_COUNT_DEADLINE_MS = 1_000;

export interface WebhookTarget {
  connector: ConnectorDefinition;
  trigger: TriggerDefinition;
  connection: LoadedConnection;
}

/** What the endpoint answers. */
export interface IngestAnswer {
  status: number;
  body: unknown;
  contentType?: string | undefined;
}

export interface WebhookIngestorOptions {
  /** Bound on the Temporal start (default 3 s, so a sender has its answer well within 5 s). */
  startDeadlineMs?: number;
}

/** The trigger a connector serves at `/webhooks/:connector/…`: the one named `webhook`, else its first. */
export function webhookTriggerOf(connector: ConnectorDefinition): TriggerDefinition | undefined {
  const triggers = connector.triggers ?? {};
  return triggers['webhook'] ?? Object.values(triggers)[0];
}

/** Whether a request's media type is one the trigger accepts (`application/json` covers `+json`). */
export function acceptsMediaType(trigger: TriggerDefinition, contentType: string | undefined): boolean {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (!type) return false;
  const allowed = trigger.contentTypes ?? DEFAULT_WEBHOOK_CONTENT_TYPES;
  return allowed.some((a) => a === type || (a === 'application/json' && isJsonMediaType(type)));
}

/** The connection's body limit: `config.webhookMaxBodyBytes` within bounds, else 1 MiB. */
export function bodyLimitOf(connection: LoadedConnection): number {
  const v = connection.config['webhookMaxBodyBytes'];
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? Math.min(v, WEBHOOK_BODY_LIMIT.max) : WEBHOOK_BODY_LIMIT.default;
}

const READABLE_ID = /^[\x21-\x7e]{1,200}$/;

/** Delivery ids go into workflow ids: printable and bounded, else hashed. */
export function normaliseDeliveryId(id: string): string {
  return READABLE_ID.test(id) ? id : `sha256-${createHash('sha256').update(id).digest('hex')}`;
}

export class WebhookIngestor {
  private readonly starter: IdempotentStarter;
  private readonly cache: ConnectionCache;
  private readonly routing: AutomationSubscriptions;

  constructor(
    private readonly services: Services,
    opts: WebhookIngestorOptions = {},
  ) {
    this.starter = new IdempotentStarter(services.temporal.client, { deadlineMs: opts.startDeadlineMs ?? START_DEADLINE_MS });
    this.cache = services.connectionCache;
    this.routing = services.subscriptions;
  }

  /** Connector, trigger and connection for the path, or a 404. */
  async resolve(connectorKey: string, connectionId: string): Promise<WebhookTarget> {
    const connector = this.services.connectors.get(connectorKey);
    const trigger = connector && webhookTriggerOf(connector);
    if (!connector || !trigger) throw new ApiError(404, 'NOT_FOUND', `No webhook trigger for connector "${connectorKey}"`);
    let connection: LoadedConnection | null;
    try {
      connection = await this.cache.get(connectionId);
    } catch (err) {
      if (!(err instanceof DecryptionError)) throw err;
      // The operator's master key is wrong or missing: a server fault the sender cannot fix,
      // but must not lose. 503 + Retry-After makes providers redeliver once it is fixed; the
      // key details go to the log only.
      this.services.logger.error({ connectionId, err: err.message }, 'webhook not accepted: connection secrets cannot be decrypted');
      throw new ApiError(503, 'CONNECTION_UNAVAILABLE', 'The connection cannot verify deliveries right now; retry later', undefined, {
        'Retry-After': String(TEMPORAL_RETRY_AFTER_SECONDS),
      });
    }
    if (!connection || connection.connector !== connector.key) throw new ApiError(404, 'NOT_FOUND', 'Connection not found');
    return { connector, trigger, connection };
  }

  /** Verifies and starts (or finds) the event workflow for one delivery. */
  async ingest(target: WebhookTarget, request: WebhookRequest): Promise<IngestAnswer> {
    const { connector, trigger, connection } = target;
    const ctx: TriggerContext = { connectionId: connection.id, config: connection.config, secrets: connection.secrets, now: request.receivedAt };
    const log = this.services.logger.child({ connector: connector.key, connectionId: connection.id });

    let verified;
    try {
      verified = await trigger.verify(request, ctx);
    } catch (err) {
      verified = { ok: false as const, reason: `verifier failed: ${(err as Error).message}` };
    }
    if (!verified.ok) {
      log.warn({ reason: verified.reason }, 'webhook rejected');
      throw new ApiError(401, 'INVALID_SIGNATURE', 'Webhook signature verification failed');
    }
    // Counted once authentic (a stranger cannot spend the provider's budget); over it the
    // delivery is answered 429 unrecorded, and the provider retries it.
    const inbound = rateLimitSchema.safeParse(connection.config['inboundRateLimit']);
    if (inbound.success) await this.services.inboundRateLimiter.consume('webhook', connection.id, inbound.data);
    // Clicks on approval messages decide here (src/approvals/slack-interactions.ts); other deliveries become events.
    if (connector.key === 'slack') {
      const answer = await handleSlackApprovalInteraction(this.services, connection, request);
      if (answer) return answer;
    }

    // The delivery is authentic: whatever its shape, record it rather than drop it, as
    // `<connector>.unparsed` with the raw body, so nothing a provider sent is lost.
    const unparsed = () => ({ type: `${connector.key}.unparsed`, payload: { raw: request.rawBody.toString('utf8'), contentType: request.headers['content-type'] ?? null } });
    let shape: ReturnType<typeof trigger.toEvent>;
    try {
      const immediate = trigger.immediateResponse?.(request, ctx);
      if (immediate) return { status: immediate.status, body: immediate.body, contentType: immediate.contentType };
      shape = trigger.toEvent(request, ctx);
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'verified webhook has an unreadable payload; recording it unparsed');
      shape = unparsed();
    }
    if (nestsDeeperThan(shape.payload, MAX_EVENT_PAYLOAD_DEPTH)) {
      log.warn({ maxDepth: MAX_EVENT_PAYLOAD_DEPTH }, 'verified webhook payload nests too deeply; recording it unparsed');
      shape = unparsed();
    }
    const event: NormalizedEvent = {
      ...shape,
      id: normaliseDeliveryId(trigger.deliveryId?.(request, ctx) ?? bodySha256(request)),
      source: { connector: connector.key, connectionId: connection.id },
      receivedAt: request.receivedAt.toISOString(),
    };

    try {
      // Routed here, from the cached subscriptions: each subscribed automation starts
      // directly as one run carrying its pinned definition. Without a subscriber here, intake
      // reads the database past the cache: still none, and the event workflow only records the
      // event; else (or when the database does not answer) it looks again in the worker.
      const summary = `${event.type} from ${connector.displayName} connection "${connection.name}"`;
      const { targets, disabled } = await this.routing.route(event);
      // Debounced or batched subscribers start no run per event: the event workflow records
      // the delivery (de-duplicated by its id) and hands it to their collectors durably.
      const collecting = targets.filter((t) => collects(t.pinned.definition)).map((t) => t.automationId);
      if (targets.length > 0 && collecting.length === 0) return await this.startRuns(event, targets, summary);
      const signalled = await this.resumeWaiters(event);
      const waitersResumed = signalled !== undefined;
      const resumed = signalled?.waiters.map((w) => w.workflowId) ?? [];
      // Nothing to start (as of the database now, past the cache)? And, for an event that resumed
      // nobody but is of a shape runs wait on, was its id recorded as one that resumed runs?
      const [subscribersChecked, before] =
        waitersResumed && targets.length === 0 && disabled.length === 0
          ? await Promise.all([this.noneSubscribeNow(event), resumed.length === 0 && signalled.keyed ? this.recordedBefore(event) : undefined])
          : [false, undefined];
      if (subscribersChecked) {
        // Resumed runs and nothing else: their histories hold the event, a row records it
        // (src/automations/event-records.ts). A redelivery of it resumes nobody and finds that row.
        const recorded = resumed.length > 0 ? await this.recordResumed(event, resumed) : before;
        if (recorded?.recorded) return { status: 202, body: { eventId: event.id, resumed } };
        if (recorded) {
          await this.countDuplicate(event);
          return { status: 200, body: { duplicate: true, eventId: event.id, resumed: recorded.resumed } };
        }
      }
      // Else the event workflow records it (and, when intake did not look, looks for subscribers and waiters).
      const memo = {
        // The events list shows these as "automation disabled" / collected / resumed (a memo: no command changes).
        ...(disabled.length > 0 ? { [DISABLED_AUTOMATIONS_MEMO]: disabled } : {}),
        ...(collecting.length > 0 ? { [COLLECTING_AUTOMATIONS_MEMO]: collecting } : {}),
        ...(resumed.length > 0 ? { [RESUMED_RUNS_MEMO]: resumed } : {}),
      };
      const result = await this.starter.start(WORKFLOW_TYPES.event, {
        ...eventStartOptions(event, this.services.temporal.taskQueue, summary, { waitersResumed, ...(subscribersChecked ? { subscribersChecked } : {}) }),
        ...(Object.keys(memo).length > 0 ? { memo } : {}),
      });
      if (result.started) return { status: 202, body: { eventId: event.id, workflowId: result.workflowId, runId: result.runId } };
      await this.countDuplicate(event);
      return { status: 200, body: { duplicate: true, eventId: event.id, workflowId: result.workflowId, runId: result.runId } };
    } catch (err) {
      if (!(err instanceof TemporalUnavailableError)) throw err;
      log.error({ err: err.message, eventId: event.id }, 'webhook not accepted: Temporal unavailable');
      throw new ApiError(503, 'TEMPORAL_UNAVAILABLE', 'Temporarily unable to accept the delivery; retry later', undefined, {
        'Retry-After': String(TEMPORAL_RETRY_AFTER_SECONDS),
      });
    }
  }

  /**
   * Starts (or finds) one run per target. 202 when any started; a redelivery finds all
   * of them and answers 200 with the same ids. The first run's ids lead the answer.
   */
  private async startRuns(event: NormalizedEvent, targets: RouteTarget[], summary: string): Promise<IngestAnswer> {
    const taskQueue = this.services.temporal.taskQueue;
    const limits = this.services.connectionRateLimits;
    const queues = await Promise.all(targets.map((t) => limits.queuesFor(t.pinned.definition)));
    const { keyring, config } = this.services;
    const links = (workflowId: string, definition: Record<string, unknown>) => runApprovalLinks(keyring, config.publicUrl, workflowId, definition);
    const [results] = await Promise.all([
      Promise.all(targets.map(async (t, i) => this.starter.start(WORKFLOW_TYPES.automation, await withRunPriority(webhookRunStartOptions(event, t, taskQueue, queues[i], links))))),
      // No event workflow on this route: parked runs are handed the event here, before the
      // answer; a failure answers 503 and the provider's redelivery hands it again.
      signalEventWaiters(this.services.temporal.client, this.services.orm, event, this.services.logger).catch(async (err: unknown) => {
        if (!isDatabaseUnavailable(err)) throw new TemporalUnavailableError(`waiting runs not signalled: ${(err as Error).message}`, { cause: err });
        // The waiters' index cannot be read now: the event workflow hands the event to them once
        // the database answers (its route activity retries); the runs it would start are the ones
        // started here (same ids), so it finds them already started.
        this.services.logger.warn({ eventId: event.id }, 'database unavailable: waiting runs get this event through its event workflow');
        await this.starter.start(WORKFLOW_TYPES.event, eventStartOptions(event, this.services.temporal.taskQueue, summary, { waitersResumed: false }));
      }),
    ]);
    const runs = results.map((r, i) => ({ automationId: targets[i]!.automationId, version: targets[i]!.version, workflowId: r.workflowId, runId: r.runId }));
    const ids = { eventId: event.id, workflowId: runs[0]!.workflowId, runId: runs[0]!.runId, runs };
    if (results.some((r) => r.started)) return { status: 202, body: ids };
    await this.countDuplicate(event);
    return { status: 200, body: { duplicate: true, ...ids } };
  }

  /**
   * Hands the event to the runs waiting for it, from here (the fast path: no event workflow
   * and activity in between). False when that failed: the event workflow then looks the
   * waiters up and signals them itself, so the event is still delivered durably.
   */
  private async resumeWaiters(event: NormalizedEvent): Promise<SignalledWaiters | undefined> {
    try {
      return await signalEventWaiters(this.services.temporal.client, this.services.orm, event, this.services.logger);
    } catch (err) {
      this.services.logger.warn({ err: (err as Error).message, eventId: event.id }, 'waiting runs not signalled at intake; the event workflow will');
      return undefined;
    }
  }

  /**
   * Records a delivery that only resumed runs ({@link recordResumedDelivery}); undefined when
   * the database does not answer: the event workflow records it then (the runs have it already).
   */
  private async recordResumed(event: NormalizedEvent, resumed: string[]): Promise<RecordOutcome | undefined> {
    try {
      return await recordResumedDelivery(this.services.orm, this.eventIdOf(event), event, resumed, this.services.config.temporal.dedupeWindowDays);
    } catch (err) {
      this.services.logger.warn({ err: (err as Error).message, eventId: event.id }, 'delivery that resumed runs not recorded in the database; its event workflow records it');
      return undefined;
    }
  }

  /** The record of the delivery's id when it was recorded as one that only resumed runs; undefined when not (or the database does not answer). */
  private async recordedBefore(event: NormalizedEvent): Promise<RecordOutcome | undefined> {
    try {
      const resumed = await recordedResumedRuns(this.services.orm, this.eventIdOf(event));
      return resumed && { recorded: false, resumed };
    } catch (err) {
      this.services.logger.warn({ err: (err as Error).message, eventId: event.id }, 'event records not read at intake; the event workflow records the delivery');
      return undefined;
    }
  }

  private eventIdOf(event: NormalizedEvent): string {
    return eventWorkflowId(event.source.connector, event.source.connectionId, event.id);
  }

  /** {@link AutomationSubscriptions.noneSubscribeNow}; false when the database does not answer (the event workflow looks then). */
  private async noneSubscribeNow(event: NormalizedEvent): Promise<boolean> {
    try {
      return await this.routing.noneSubscribeNow(event);
    } catch (err) {
      this.services.logger.warn({ err: (err as Error).message, eventId: event.id }, 'subscriptions not read at intake; the event workflow will');
      return false;
    }
  }

  /**
   * Counts a duplicate delivery for the events API. Only the duplicate path writes, and a
   * failed (or slow) write never changes the answer: it is logged and counted as a metric.
   */
  private async countDuplicate(event: NormalizedEvent): Promise<void> {
    try {
      // Bounded, so a slow database never holds the sender's answer (the write may still land).
      await withTimeout(countDuplicate(this.services.orm, this.eventIdOf(event)), DUPLICATE_COUNT_DEADLINE_MS, 'duplicate count write timed out');
    } catch (err) {
      duplicateCountFailures.inc({ connector: event.source.connector });
      this.services.logger.warn({ connector: event.source.connector, connectionId: event.source.connectionId, err: (err as Error).message }, 'duplicate delivery not counted');
    }
  }
}
