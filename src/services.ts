/**
 * The long-lived parts of a process, built once at start-up and handed to the API,
 * the worker and the CLI. Later features add their own members here.
 */
import type { Config } from './config.ts';
import type { Orm } from './db/orm.ts';
import type { Logger } from './logger.ts';
import type { Keyring } from './security/crypto.ts';
import type { ConnectorRegistry } from '../connectors/registry.ts';
import type { TemporalHandle } from './temporal/client.ts';
import type { Tracing } from './telemetry/tracing.ts';

export interface Services {
  config: Config;
  logger: Logger;
  orm: Orm;
  /** Encrypts and decrypts secrets at rest. */
  keyring: Keyring;
  connectors: ConnectorRegistry;
  temporal: TemporalHandle;
  /** OpenTelemetry tracing, when OTEL_EXPORTER_OTLP_ENDPOINT is set. */
  tracing?: Tracing | undefined;
  /** Temporal Web UI, when one runs (dev). */
  temporalUiUrl?: string | undefined;
}
