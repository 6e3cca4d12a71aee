/**
 * `pollTrigger`: one poll of an automation's polling trigger (src/connector-host/run-poll.ts)
 * with its stored state; `commitPollState` stores the outcome once the runs started. Inside
 * the activity — the connection is loaded and decrypted here, so the poll
 * workflow's history carries ids, item payloads and the cursor, never secrets. Failures
 * become `ApplicationFailure`s as connector actions' do (429 waits `Retry-After`).
 */
import { activityInfo, cancellationSignal } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { AutomationVersion, PollStateRecord } from '../src/db/entities/index.ts';
import { prepareConnection, withAccessTokenOf, type PreparedConnection } from '../src/connector-host/run-action.ts';
import { withAccessToken } from '../src/connections/oauth/tokens.ts';
import { mergePollState, runPoll } from '../src/connector-host/run-poll.ts';
import { Redactor } from '../src/security/redact.ts';
import { polledItems, polls } from '../src/metrics/metrics.ts';
import type { PollCommit, PolledRunItem, PollState, PollWorkflowInput } from '../workflows/contracts.ts';
import type { AutomationDefinition, PollTrigger } from '../workflows/automation/types.ts';
import { runPriority } from '../src/automations/run-priority.ts';
import { toApplicationFailure } from './connector-action.ts';
import { oauthTokenDeps, type ActivityDeps } from './deps.ts';

export interface PollTriggerResult {
  commit: PollCommit;
  items: PolledRunItem[];
  trigger: { connectionId: string; key: string };
}

export function createPollTriggerActivities(deps: ActivityDeps) {
  return {
    /** Polls the automation's trigger with its stored state; answers the items not seen before and what to commit. */
    async pollTrigger(args: PollWorkflowInput): Promise<PollTriggerResult> {
      const row = await deps.orm.em.fork().findOne(AutomationVersion, { automationId: args.automationId, version: args.version });
      if (!row) throw ApplicationFailure.nonRetryable(`automation ${args.automationId} has no version ${args.version}`, 'NOT_FOUND');
      const trigger = (row.definition as { trigger: PollTrigger }).trigger;
      if (trigger?.type !== 'poll') throw ApplicationFailure.nonRetryable(`automation ${args.automationId} v${args.version} has no poll trigger`, 'CONFIG_INVALID');
      const logger = deps.logger.child({ automationId: args.automationId, trigger: trigger.trigger, attempt: activityInfo().attempt, op: 'poll' });
      let prepared: PreparedConnection | undefined;
      try {
        prepared = await prepareConnection(deps.orm.em.fork(), deps.keyring, deps.connectors, trigger.connection, { byName: true, cache: deps.connectionCache });
        const stored = await deps.orm.em.fork().findOne(PollStateRecord, { automationId: args.automationId });
        const pollOpts = { fetch: deps.outbound.fetch, resolveHost: deps.outbound.resolveHost, logger, signal: cancellationSignal(), now: new Date() };
        const loaded: PreparedConnection = prepared;
        const outcome = loaded.connector.auth
          ? // OAuth: polled with a fresh token, refreshed single-flight like an action's.
            await withAccessToken(oauthTokenDeps(deps), loaded.connector, loaded.connection, (token) => {
              prepared = withAccessTokenOf(loaded, token);
              return runPoll(prepared, trigger, stored?.state as PollState | undefined, pollOpts);
            })
          : await runPoll(loaded, trigger, stored?.state as PollState | undefined, pollOpts);
        logger.debug({ items: outcome.items.length }, 'polled');
        polls.inc({ connector: loaded.connector.key, trigger: trigger.trigger, outcome: 'ok' });
        polledItems.inc({ connector: loaded.connector.key, trigger: trigger.trigger }, outcome.items.length);
        const connectionId = prepared.connection.id;
        // Each run's priority and fairness key (rendered over its item), as a webhook start's.
        const def = row.definition as unknown as AutomationDefinition;
        const items = await Promise.all(
          outcome.items.map(async (item) => {
            const priority = await runPriority(def, { automationId: args.automationId, input: {}, trigger: { type: 'poll', connectionId, trigger: trigger.trigger, id: item.id, payload: item.payload, at: item.at } });
            return priority ? { ...item, priority } : item;
          }),
        );
        return { items, commit: { automationId: args.automationId, ...outcome.commit }, trigger: { connectionId, key: trigger.trigger } };
      } catch (err) {
        const failure = toApplicationFailure(err, prepared?.redactor ?? new Redactor()) as ApplicationFailure;
        logger.warn({ code: failure.type, message: failure.message }, 'poll failed');
        polls.inc({ connector: prepared?.connector.key ?? 'unknown', trigger: trigger.trigger, outcome: failure.type ?? 'Error' });
        throw failure;
      }
    },

    /** Stores the poll's cursor and new ids, after the workflow started every new item's run. */
    async commitPollState(commit: PollCommit): Promise<PollState> {
      const em = deps.orm.em.fork();
      const row = await em.findOne(PollStateRecord, { automationId: commit.automationId });
      const state = mergePollState(row?.state as PollState | undefined, commit);
      const data = state as unknown as Record<string, unknown>;
      if (row) Object.assign(row, { state: data, polls: row.polls + 1, updatedAt: new Date() });
      else em.create(PollStateRecord, { automationId: commit.automationId, state: data, polls: 1, updatedAt: new Date() });
      await em.flush();
      return state;
    },
  };
}
