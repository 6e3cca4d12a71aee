/**
 * Concurrency keys (docs/concepts/flow-control.md): the names shared by the run, its slot
 * keeper (workflows/concurrency-keeper.ts), the activities and the API. Pure module.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';

/** Longest rendered key; longer ones fail the run (CONCURRENCY_KEY_INVALID). */
export const MAX_CONCURRENCY_KEY_LENGTH = 200;

/** Failure type of a run whose `concurrency.key` rendered to no usable key. */
export const CONCURRENCY_KEY_INVALID = 'CONCURRENCY_KEY_INVALID';

/** The key of runs of an automation without `concurrency.key`. */
export const DEFAULT_CONCURRENCY_KEY = '*';

/** `concurrency:<automationId>:<key>`: one keeper per automation and rendered key. */
export function concurrencyKeeperId(automationId: string, key: string): string {
  return `concurrency:${automationId}:${key}`;
}

/** Task queue of the keepers' close watchers (`awaitRunClosed`): `<taskQueue>-concurrency`, its own worker and slots. */
export function concurrencyWatchQueue(taskQueue: string): string {
  return `${taskQueue}-concurrency`;
}

/** What a run asks its keeper for (sent with signal-with-start by `requestConcurrencySlot`). */
export interface SlotRequest {
  /** The run's workflow id; the keeper signals `concurrencySlotGranted` to it. */
  workflowId: string;
  /** The run's definition's limit; the latest request's limit holds. */
  limit: number;
  /** Epoch ms of the run's start: the keeper lines requests up by it (FIFO by start). Older runs send none. */
  startedAt?: number | undefined;
}

/** Input of the keeper: its key, and the holders and queue continue-as-new carries over. */
export interface ConcurrencyKeeperInput {
  automationId: string;
  key: string;
  limit: number;
  holders?: string[] | undefined;
  queue?: string[] | undefined;
  /** Start times (epoch ms) of the queued runs that sent one. */
  startedAt?: Record<string, number> | undefined;
}

/** What the keeper answers `concurrencyQueue` with. */
export interface ConcurrencyQueueState {
  limit: number;
  /** Runs holding a slot (in flight). */
  holders: string[];
  /** Runs waiting, first in line first. */
  queue: string[];
}

/** A run's place with its key, in the run state (`RunState.concurrency`). */
export interface RunConcurrency {
  key: string;
  keeperId: string;
  status: 'queued' | 'running';
}

/** Run → keeper: queue me (or, when already queued or holding, nothing). */
export const requestSlotSignal = defineSignal<[SlotRequest]>('concurrencyRequestSlot');
/** Keeper → run: your slot is free; start. */
export const slotGrantedSignal = defineSignal('concurrencySlotGranted');
/** The keeper's holders and queue (the API's "queued behind N"). */
export const concurrencyQueueQuery = defineQuery<ConcurrencyQueueState>('concurrencyQueue');

/** How many runs are ahead of `workflowId`: those in flight plus those before it in line (undefined: not queued). */
export function queuedBehind(state: ConcurrencyQueueState, workflowId: string): number | undefined {
  const at = state.queue.indexOf(workflowId);
  return at < 0 ? undefined : state.holders.length + at;
}
