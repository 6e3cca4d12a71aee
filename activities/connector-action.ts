/**
 * The one generic activity behind every connector step:
 * `runConnectorAction({ connectionId, action, input })` → the action's output.
 *
 * It loads and decrypts the connection itself (workflow history carries ids, never
 * secrets), validates input and output, and translates failures into
 * `ApplicationFailure`s whose `type` is the connector error code: non-retryable
 * codes fail at once, `RATE_LIMITED` waits `Retry-After` via `nextRetryDelay`.
 */
import { activityInfo, cancellationSignal, CancelledFailure, heartbeat } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { ConnectorError } from '../connectors/sdk/errors.ts';
import type { ConnectorLogger } from '../connectors/sdk/types.ts';
import { prepareConnection, runPreparedAction, withAccessTokenOf, type PreparedConnection } from '../src/connector-host/run-action.ts';
import { withAccessToken } from '../src/connections/oauth/tokens.ts';
import { oauthTokenDeps } from './deps.ts';
import { ACTION_OK, actionAttempts } from '../src/metrics/metrics.ts';
import { Redactor } from '../src/security/redact.ts';
import { signLinksIn, unsignLinksIn } from '../src/approvals/links.ts';
import type { ActivityDeps } from './deps.ts';
import { DecryptionError } from '../src/errors.ts';

/** Input of {@link runConnectorAction}: ids and input only, never secrets. */
export interface RunConnectorActionInput {
  /** The connection's id or its name (resolved when the activity runs). */
  connectionId: string;
  action: string;
  input: unknown;
}

/** Turns any failure into the `ApplicationFailure` Temporal records, secrets scrubbed. */
export function toApplicationFailure(err: unknown, redactor: Redactor): unknown {
  if (err instanceof CancelledFailure || err instanceof ApplicationFailure) return err;
  if (err instanceof ConnectorError) {
    return ApplicationFailure.create({
      type: err.code,
      message: redactor.scrub(err.message),
      nonRetryable: !err.retryable,
      ...(err.options.retryAfterMs !== undefined ? { nextRetryDelay: err.options.retryAfterMs } : {}),
      details: [redactor.scrubDeep({ status: err.options.status, details: err.options.details })],
    });
  }
  if (err instanceof DecryptionError) {
    return ApplicationFailure.create({ type: 'CONFIG_INVALID', message: err.message, nonRetryable: true });
  }
  const e = err instanceof Error ? err : new Error(String(err));
  // Unknown failures (bugs, unmapped library errors) stay retryable under the policy's limit.
  return ApplicationFailure.create({ type: e.name || 'Error', message: redactor.scrub(e.message) });
}

export function createConnectorActionActivities(deps: ActivityDeps) {
  const { fetch: safeFetch, resolveHost } = deps.outbound;
  return {
    /**
     * Runs `action` of the connection's connector with `input` and returns its output.
     *
     * @example
     * const { runConnectorAction } = proxyActivities<Activities>(CONNECTOR_ACTION_ACTIVITY_OPTIONS);
     * const out = await runConnectorAction({ connectionId, action: 'send_message', input: { channel: '#ops', text: 'hi' } });
     */
    async runConnectorAction({ connectionId, action, input }: RunConnectorActionInput): Promise<unknown> {
      const info = activityInfo();
      const workflowId = info.workflowExecution?.workflowId ?? 'standalone';
      // Made on first use: most actions never log (a child logger per call cost more than the logging connector's action itself).
      let child: ConnectorLogger | undefined;
      const own = () => (child ??= deps.logger.child({ connectionId, action, workflowId, activityId: info.activityId, attempt: info.attempt }));
      // A level the process does not log costs nothing (the child would inherit the level).
      const at = (level: 'debug' | 'info' | 'warn' | 'error') => (obj: object | string, msg?: string) => {
        if (!deps.logger.isLevelEnabled(level)) return;
        if (msg === undefined) own()[level](obj);
        else own()[level](obj, msg);
      };
      const logger: ConnectorLogger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
      let prepared: PreparedConnection | undefined;
      // The run holds approval-link references; the message sent carries usable links, what
      // returns to history does not (src/approvals/links.ts).
      const links = signLinksIn(deps.keyring, workflowId, input);
      try {
        // The entity manager is forked only when the connection cache misses (or there is none).
        prepared = await prepareConnection(() => deps.orm.em.fork(), deps.keyring, deps.connectors, connectionId, { action, byName: true, cache: deps.connectionCache });
        const runOpts = {
          fetch: safeFetch,
          resolveHost,
          logger,
          idempotencyKey: `${workflowId}:${info.activityId}`,
          signal: cancellationSignal(),
          heartbeat: (details: unknown) => heartbeat(details),
        };
        const loaded: PreparedConnection = prepared;
        const raw = loaded.connector.auth
          ? // OAuth: a fresh token (refreshed once across all workers when it expires), once more after a 401.
            await withAccessToken(oauthTokenDeps(deps), loaded.connector, loaded.connection, (token) => {
              prepared = withAccessTokenOf(loaded, token);
              return runPreparedAction(prepared, action, links.value, runOpts);
            })
          : await runPreparedAction(loaded, action, links.value, runOpts);
        const output = unsignLinksIn(raw, links.signed);
        actionAttempts.inc({ connector: prepared.connector.key, action, code: ACTION_OK });
        logger.debug('connector action succeeded');
        return output;
      } catch (err) {
        const redactor = prepared?.redactor ?? new Redactor();
        if (err instanceof Error && links.signed.length) err.message = unsignLinksIn(err.message, links.signed);
        const failure = toApplicationFailure(err, redactor);
        const f = failure as ApplicationFailure;
        // A connection that failed to load has no connector to name.
        actionAttempts.inc({ connector: prepared?.connector.key ?? 'unknown', action, code: f.type ?? (err instanceof CancelledFailure ? 'CANCELLED' : 'Error') });
        logger.warn({ code: f.type, nonRetryable: f.nonRetryable, message: f.message }, 'connector action failed');
        throw failure;
      }
    },
  };
}
