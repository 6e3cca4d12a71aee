/**
 * The dedupe window of idempotent starts is the namespace's retention: a closed run
 * (webhook delivery, keyed action or run) is found — and not run again — only while
 * Temporal keeps its history. `switchboard dev` sets the embedded namespace's retention
 * to the configured window; `switchboard migrate` checks a cluster's (and sets it when
 * asked) and warns when it is shorter.
 */
import type { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';

const SECONDS_PER_DAY = 86_400;

export interface RetentionCheck {
  namespace: string;
  /** The namespace's retention after the check, in days (fractional when not whole). */
  retentionDays: number;
  /** The configured dedupe window (`SWITCHBOARD_DEDUPE_WINDOW_DAYS`). */
  windowDays: number;
  /** True when the retention covers the window. */
  ok: boolean;
  /** True when this call changed the retention. */
  updated: boolean;
}

/** The namespace's workflow execution retention in days. */
export async function namespaceRetentionDays(connection: Connection, namespace: string): Promise<number> {
  const described = await connection.workflowService.describeNamespace({ namespace });
  const ttl = described.config?.workflowExecutionRetentionTtl;
  return (Number(ttl?.seconds ?? 0) + (ttl?.nanos ?? 0) / 1e9) / SECONDS_PER_DAY;
}

/**
 * Compares the namespace's retention with the dedupe window; with `set`, raises a
 * shorter retention to the window (never lowers a longer one).
 */
export async function checkNamespaceRetention(connection: Connection, namespace: string, windowDays: number, opts: { set: boolean }): Promise<RetentionCheck> {
  const current = await namespaceRetentionDays(connection, namespace);
  if (current >= windowDays || !opts.set) return { namespace, retentionDays: current, windowDays, ok: current >= windowDays, updated: false };
  await connection.workflowService.updateNamespace({
    namespace,
    config: { workflowExecutionRetentionTtl: msToTs(windowDays * SECONDS_PER_DAY * 1000) },
  });
  return { namespace, retentionDays: await namespaceRetentionDays(connection, namespace), windowDays, ok: true, updated: true };
}

/** The operator-facing warning of a retention shorter than the window. */
export function retentionWarning(check: RetentionCheck): string {
  return (
    `warning: namespace "${check.namespace}" retains closed workflows for ${+check.retentionDays.toFixed(2)} day(s), ` +
    `shorter than the dedupe window of ${check.windowDays} day(s) (SWITCHBOARD_DEDUPE_WINDOW_DAYS): a webhook redelivery or ` +
    `an Idempotency-Key repeated after that would run again. Raise the retention (switchboard migrate --set-retention, ` +
    `or the namespace settings on Temporal Cloud).`
  );
}
