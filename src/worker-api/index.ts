/**
 * `switchboard/worker`: Switchboard's activities for a team's own Temporal worker. Register
 * them next to your own activities on your own task queue, and workflows written against
 * `switchboard/workflow` call Switchboard connections (secrets decrypted in the activity,
 * the SSRF guard, the error taxonomy), approvals, AI steps and event waits there.
 *
 * The activities read Switchboard's database and master key: give the worker the same
 * `SWITCHBOARD_DATABASE_URL` and `SWITCHBOARD_MASTER_KEY` as the Switchboard server
 * (`config` is the environment, parsed like Switchboard's own).
 *
 * @example
 * import { Worker } from '@temporalio/worker';
 * import { switchboardActivities, switchboardWorkerOptions } from 'switchboard/worker';
 * const sb = await switchboardActivities(); // this process's environment, read like Switchboard's own
 * const worker = await Worker.create({
 *   taskQueue: 'orders', workflowsPath: require.resolve('./workflows'),
 *   activities: { ...myActivities, ...sb.activities },
 *   ...switchboardWorkerOptions(sb),
 * });
 * await worker.run(); await sb.close();
 */
import type { WorkerOptions } from '@temporalio/worker';
import { createActivities, type Activities } from '../../activities/index.ts';
import { loadConfig, type Config } from '../config.ts';
import { loadConnectorRegistry } from '../connector-host/load.ts';
import { openOrm, type Orm } from '../db/orm.ts';
import { createLogger, type Logger } from '../logger.ts';
import { dataConverterFor } from '../temporal/codec.ts';
import { HEARTBEAT_THROTTLE } from '../temporal/constants.ts';
import { keyringFromText } from '../security/master-key.ts';
import { createOutbound } from '../security/outbound.ts';
import { ConfigError } from '../errors.ts';

export type { Activities as SwitchboardActivities };

/** What {@link switchboardActivities} opens: the activities and what to close after the worker stopped. */
export interface SwitchboardActivityKit {
  activities: Activities;
  config: Config;
  orm: Orm;
  logger: Logger;
  /** The payload codec of `SWITCHBOARD_PAYLOAD_ENCRYPTION` (undefined when off); the worker and clients of its runs need it. */
  dataConverter: ReturnType<typeof dataConverterFor>;
  close(): Promise<void>;
}

/**
 * Opens Switchboard's database and connector registry and builds every Switchboard activity
 * (`runConnectorAction`, `llmCall`, `ragRetrieve`, `mcpCallTool`, the event-wait and
 * automation activities) for a worker of your own. `env`: the environment to read
 * (`SWITCHBOARD_*`, as the Switchboard server reads it), or a parsed {@link Config}.
 */
export async function switchboardActivities(env?: Record<string, string | undefined> | Config, opts: { logger?: Logger } = {}): Promise<SwitchboardActivityKit> {
  const config = env === undefined ? loadConfig() : 'database' in env && typeof env['database'] === 'object' ? (env as Config) : loadConfig(env as Record<string, string | undefined>);
  if (!config.masterKey) throw new ConfigError('SWITCHBOARD_MASTER_KEY', 'is required by switchboardActivities (the key the Switchboard server encrypts connection secrets with)');
  const logger = opts.logger ?? createLogger({ level: config.logLevel, name: 'switchboard-activities' });
  const keyring = keyringFromText(config.masterKey);
  const orm = await openOrm(config.database);
  const connectors = await loadConnectorRegistry(config);
  const outbound = createOutbound(config.ssrfAllow);
  const activities = createActivities({ config, orm, logger, keyring, connectors, outbound });
  return { activities, config, orm, logger, dataConverter: dataConverterFor(config, keyring), close: () => orm.close() };
}

/**
 * Worker options Switchboard's activities expect: the heartbeat throttle inside their
 * heartbeat timeout (a killed worker's call is retried within the recovery bound) and the
 * payload codec when payloads are encrypted. Spread them into `Worker.create`.
 */
export function switchboardWorkerOptions(kit: Pick<SwitchboardActivityKit, 'dataConverter'>): Pick<WorkerOptions, 'maxHeartbeatThrottleInterval' | 'dataConverter'> {
  return {
    maxHeartbeatThrottleInterval: HEARTBEAT_THROTTLE,
    ...(kit.dataConverter ? { dataConverter: kit.dataConverter } : {}),
  };
}
