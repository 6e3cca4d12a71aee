/**
 * The typed Switchboard client (`switchboard/client`): emit events and start
 * workflows idempotently straight through Temporal, without the HTTP API. The same
 * event id (or idempotency key) never starts a second run: a repeat answers with the
 * existing run and `duplicate: true`.
 *
 * @example
 * import { Client, Connection } from '@temporalio/client';
 * import { createSwitchboardClient, temporalGrpcInterceptors } from 'switchboard/client';
 *
 * // temporalGrpcInterceptors(): the SDK's retries, safe to close while Temporal is down.
 * const connection = await Connection.connect({ address: 'localhost:7233', interceptors: temporalGrpcInterceptors() });
 * const temporal = new Client({ connection });
 * const sb = createSwitchboardClient({ temporal });
 * const { workflowId, duplicate } = await sb.emitEvent({
 *   connector: 'billing', connectionId: 'internal', type: 'billing.invoice.paid', id: 'inv_123', payload: { amount: 42 },
 * });
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import { z } from 'zod';
import type { NormalizedEvent } from '../../connectors/sdk/events.ts';
import { WORKFLOW_TYPES } from '../temporal/constants.ts';
import { eventStartOptions } from '../temporal/event-start.ts';
import { IdempotentStarter } from '../temporal/idempotent-start.ts';
import { TemporalUnavailableError } from '../errors.ts';

export { TemporalUnavailableError };
export { temporalGrpcInterceptors } from '../temporal/client.ts';

/**
 * Options of {@link createSwitchboardClient}.
 *
 * @example
 * const sb = createSwitchboardClient({ temporal: new Client({ connection }), taskQueue: 'switchboard', startDeadlineMs: 5_000 });
 */
export interface SwitchboardClientOptions {
  /** A Temporal client; its connection and namespace are used. */
  temporal: Client;
  /** Task queue of the Switchboard workers (default `switchboard`). */
  taskQueue?: string;
  /** Deadline of one start in milliseconds (default 10 s). */
  startDeadlineMs?: number;
}

const segment = z.string().min(1).max(128).regex(/^[^:\s]+$/, 'must not contain a colon or spaces');

/**
 * What `emitEvent` accepts (validated before anything is started).
 *
 * @example
 * const input = emitEventSchema.parse({ connector: 'billing', connectionId: 'main', type: 'billing.invoice.paid', payload: { id: 'in_1' } });
 */
export const emitEventSchema = z.object({
  /** Source connector key or label (`github`, or `billing` for an internal source). */
  connector: segment,
  connectionId: segment,
  /** Dotted event type, e.g. `billing.invoice.paid`. */
  type: z.string().regex(/^[\w-]+(\.[\w-]+)*$/, 'must be dotted words').max(200),
  /** Event id: the dedupe key. A new UUID when omitted. */
  id: z.string().regex(/^[\x21-\x7e]{1,200}$/, 'must be 1–200 printable ASCII characters').optional(),
  payload: z.unknown(),
  headers: z.record(z.string(), z.string()).optional(),
  receivedAt: z.date().optional(),
});
/**
 * The input of {@link SwitchboardClient.emitEvent}.
 *
 * @example
 * const input: EmitEventInput = { connector: 'billing', connectionId: 'main', type: 'billing.invoice.paid', id: 'in_1', payload: { amount: 42 } };
 */
export type EmitEventInput = z.input<typeof emitEventSchema>;

/**
 * Outcome of an idempotent start.
 *
 * @example
 * const { workflowId, runId, duplicate } = await sb.startWorkflow('connectorActionWorkflow', { idempotencyKey: 'order-42', args: [input] });
 */
export interface StartResult {
  workflowId: string;
  runId: string;
  /** True when the id already had a run (running or closed): nothing new was started. */
  duplicate: boolean;
}

/**
 * Outcome of {@link SwitchboardClient.emitEvent}: the start plus the event id.
 *
 * @example
 * const { eventId, workflowId, duplicate } = await sb.emitEvent({ connector: 'billing', connectionId: 'main', type: 'billing.invoice.paid', payload: {} });
 */
export interface EmitResult extends StartResult {
  eventId: string;
}

/**
 * Options of {@link SwitchboardClient.startWorkflow}.
 *
 * @example
 * await sb.startWorkflow('connectorActionWorkflow', { idempotencyKey: 'order-42', args: [{ connectionId, action: 'send_message', input }], summary: 'notify' });
 */
export interface StartWorkflowOptions {
  /** Dedupe key; the workflow id becomes `<workflowType>:<idempotencyKey>` unless `workflowId` is given. */
  idempotencyKey?: string;
  workflowId?: string;
  args?: unknown[];
  taskQueue?: string;
  /** Shown in the Temporal UI. */
  summary?: string;
  searchAttributes?: SearchAttributePair[];
}

/**
 * Switchboard's programmatic entry point. Extend it with further methods (automations, runs).
 *
 * @example
 * const sb = new SwitchboardClient({ temporal: client });
 * await sb.emitEvent({ connector: 'billing', connectionId: 'main', type: 'billing.invoice.paid', payload: { id: 'in_1' } });
 */
export class SwitchboardClient {
  readonly temporal: Client;
  readonly taskQueue: string;
  protected readonly starter: IdempotentStarter;

  constructor(opts: SwitchboardClientOptions) {
    this.temporal = opts.temporal;
    this.taskQueue = opts.taskQueue ?? 'switchboard';
    this.starter = new IdempotentStarter(opts.temporal, { deadlineMs: opts.startDeadlineMs ?? 10_000 });
  }

  /** Emits an event: starts its event workflow once per (connector, connection, id). */
  async emitEvent(input: EmitEventInput): Promise<EmitResult> {
    const e = emitEventSchema.parse(input);
    const event: NormalizedEvent = {
      type: e.type,
      id: e.id ?? randomUUID(),
      source: { connector: e.connector, connectionId: e.connectionId },
      payload: e.payload,
      receivedAt: (e.receivedAt ?? new Date()).toISOString(),
      ...(e.headers ? { headers: e.headers } : {}),
    };
    const r = await this.starter.start(WORKFLOW_TYPES.event, eventStartOptions(event, this.taskQueue, `${event.type} emitted for ${e.connector} ${e.connectionId}`));
    return { eventId: event.id, workflowId: r.workflowId, runId: r.runId, duplicate: !r.started };
  }

  /** Starts any workflow type at most once per idempotency key (or workflow id). */
  async startWorkflow(workflowType: string, opts: StartWorkflowOptions): Promise<StartResult> {
    const workflowId = opts.workflowId ?? (opts.idempotencyKey ? `${workflowType}:${opts.idempotencyKey}` : undefined);
    if (!workflowId) throw new TypeError('startWorkflow needs an idempotencyKey or a workflowId');
    const r = await this.starter.start(workflowType, {
      taskQueue: opts.taskQueue ?? this.taskQueue,
      workflowId,
      args: opts.args ?? [],
      ...(opts.summary ? { staticSummary: opts.summary } : {}),
      ...(opts.searchAttributes ? { typedSearchAttributes: opts.searchAttributes } : {}),
    });
    return { workflowId: r.workflowId, runId: r.runId, duplicate: !r.started };
  }
}

/**
 * Creates a {@link SwitchboardClient}.
 *
 * @example
 * const sb = createSwitchboardClient({ temporal: new Client({ connection: await Connection.connect({ address: '127.0.0.1:7233' }) }) });
 */
export function createSwitchboardClient(opts: SwitchboardClientOptions): SwitchboardClient {
  return new SwitchboardClient(opts);
}

export {
  createAutomationsClient,
  SwitchboardApiError,
  SwitchboardUnreachableError,
  type ApprovalRecord,
  type AutomationsClient,
  type AutomationRecord,
  type AutomationVersionRecord,
  type AutomationVersionSummaryRecord,
  type ConnectionRecord,
  type EventRecord,
  type RagDocumentInput,
  type RagIndexRecord,
  type RagIngestionRecord,
  type RunRecord,
  type RunSummaryRecord,
} from './http-api.ts';
