/**
 * One poll of an automation's polling trigger, as the `pollTrigger` activity runs it:
 * load the connection, validate the trigger's config, call the connector's `poll` with
 * the stored cursor, check the answer's shape, and keep only the items not seen before.
 * The first poll starts from "now" (every current item counts as seen) unless the
 * trigger sets `backfill`: then items at most that old start runs too.
 */
import { createHash } from 'node:crypto';
import { ConnectorError } from '../../connectors/sdk/errors.ts';
import { pollResultSchema } from '../../connectors/sdk/polling.ts';
import type { ConnectorLogger, PollingTriggerDefinition } from '../../connectors/sdk/types.ts';
import type { PollCommit, PolledRunItem, PollState } from '../../workflows/contracts.ts';
import { durationMs } from '../../workflows/automation/duration.ts';
import type { PollTrigger } from '../../workflows/automation/types.ts';
import { redactingLogger } from '../security/redact.ts';
import { buildHttp, describeIssues, parseWith, type ConnectionTestOptions, type PreparedConnection } from './run-action.ts';

/** How many item ids a trigger remembers (newest first); a feed longer than this re-offers none it still lists. */
export const SEEN_IDS_KEPT = 5_000;

/** The polling trigger a definition names, or CONFIG_INVALID saying which exist. */
export function pollingTriggerOf(prepared: Pick<PreparedConnection, 'connector'>, key: string): PollingTriggerDefinition {
  const def = prepared.connector.pollingTriggers?.[key];
  if (!def) {
    const known = Object.keys(prepared.connector.pollingTriggers ?? {});
    throw new ConnectorError('CONFIG_INVALID', `connector "${prepared.connector.key}" has no polling trigger "${key}" (polling triggers: ${known.length ? known.join(', ') : 'none'})`);
  }
  return def;
}

/** A workflow-id-safe key of an item id: the id itself when short and plain, else its SHA-256. */
export function itemKeyOf(id: string): string {
  return /^[\w.@:-]{1,128}$/.test(id) ? id : `sha256-${createHash('sha256').update(id).digest('hex')}`;
}

export interface PollOutcome {
  /** What to commit after the runs started (`automationId` is the caller's to add). */
  commit: Omit<PollCommit, 'automationId'>;
  items: PolledRunItem[];
}

/** The state after a commit: the new ids first, bounded by {@link SEEN_IDS_KEPT}. */
export function mergePollState(previous: PollState | undefined, commit: Omit<PollCommit, 'automationId'>): PollState {
  const kept = previous?.source === commit.source ? previous.seen : [];
  const fresh = new Set(commit.newIds);
  return { kind: 'poll-state', source: commit.source, cursor: commit.cursor, seen: [...commit.newIds, ...kept.filter((id) => !fresh.has(id))].slice(0, SEEN_IDS_KEPT) };
}

export async function runPoll(
  prepared: PreparedConnection,
  trigger: PollTrigger,
  previous: PollState | undefined,
  opts: Omit<ConnectionTestOptions, 'logger'> & { logger: ConnectorLogger; now: Date },
): Promise<PollOutcome> {
  const def = pollingTriggerOf(prepared, trigger.trigger);
  const triggerConfig = parseWith(def.config, trigger.config ?? {}, 'CONFIG_INVALID', `trigger.config of ${prepared.connector.key}.${trigger.trigger}`, 'trigger.config');
  const source = `${prepared.connection.id}/${trigger.trigger}/${JSON.stringify(trigger.config ?? {})}`;
  const state = previous?.source === source ? previous : undefined;
  const answer = await def.poll(
    {
      connectionId: prepared.connection.id,
      config: prepared.config,
      secrets: prepared.secrets,
      triggerConfig,
      http: buildHttp(prepared, opts.fetch, opts.resolveHost, opts.signal),
      logger: redactingLogger(opts.logger, prepared.redactor),
      signal: opts.signal,
      now: opts.now,
    },
    state?.cursor,
  );
  const parsed = pollResultSchema.safeParse(answer);
  if (!parsed.success) {
    // Not retried: this poll fails with the reason, the next scheduled poll tries again.
    throw new ConnectorError('INVALID_INPUT', `${prepared.connector.key}.${trigger.trigger} answered a poll that is not { items: [{ id, payload }], cursor }: ${describeIssues(parsed.error, 'poll')}`);
  }
  const seen = new Set(state?.seen ?? []);
  const fresh = new Map<string, PolledRunItem>();
  for (const item of parsed.data.items) {
    if (seen.has(item.id) || fresh.has(item.id)) continue;
    fresh.set(item.id, { key: itemKeyOf(item.id), id: item.id, payload: item.payload, at: item.at });
  }
  const newIds = [...fresh.keys()];
  let items = [...fresh.values()];
  if (!state) {
    // First poll: from "now" — what is there already counts as seen, unless backfilled.
    const since = trigger.backfill ? opts.now.getTime() - durationMs(trigger.backfill) : undefined;
    items = since === undefined ? [] : items.filter((i) => !i.at || Date.parse(i.at) >= since);
  }
  const unchanged = !!state && newIds.length === 0 && JSON.stringify(state.cursor) === JSON.stringify(parsed.data.cursor);
  return { commit: { source, cursor: parsed.data.cursor, newIds, unchanged }, items };
}
